package org.mltoolkit.plugin.cnn.imported;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which float initializers of an imported network are its state: a parameter where it sits in a trainable position
 * (the weights and biases of Conv, ConvTranspose, Gemm, MatMul, PRelu, BatchNormalization, InstanceNormalization and
 * LayerNormalization; operands of Add, Sub, Mul, Div and Concat with more than one element), a buffer as a
 * BatchNormalization running statistic; everything else (scalars in arithmetic, shapes, pads, ratios) stays a
 * constant. Names matched by the frozen patterns are constants too. Immutable.
 */
final class StateRoles {
    /** A state tensor's role. */
    enum Role {
        PARAMETER,
        BUFFER
    }

    private final Map<String, Role> roles;
    private final List<String> frozen;

    private StateRoles(Map<String, Role> roles, List<String> frozen) {
        this.roles = roles;
        this.frozen = frozen;
    }

    /** The role of initializer {@code name}, or null for a constant. */
    Role role(String name) {
        return roles.get(name);
    }

    /** The parameters kept constant because a frozen pattern matched them, in file order. */
    List<String> frozen() {
        return frozen;
    }

    static StateRoles classify(List<NodeProto> nodes, Map<String, TensorProto> initializers, List<String> patterns) {
        Map<String, Role> roles = new HashMap<>();
        for (NodeProto node : nodes) {
            if (!node.getDomain().isEmpty()) {
                continue;
            }
            for (int i = 0; i < node.getInputCount(); i++) {
                TensorProto t = initializers.get(node.getInput(i));
                if (t == null || !NetworkImporter.isFloat(t)) {
                    continue;
                }
                Role role = role(node.getOpType(), i, size(t));
                if (role == Role.PARAMETER || role == Role.BUFFER && !roles.containsKey(t.getName())) {
                    roles.put(t.getName(), role);
                }
            }
        }
        List<String> frozen = new ArrayList<>();
        for (String name : initializers.keySet()) {
            if (roles.get(name) == Role.PARAMETER && matches(name, patterns)) {
                roles.remove(name);
                frozen.add(name);
            }
        }
        return new StateRoles(roles, List.copyOf(frozen));
    }

    private static Role role(String op, int input, long size) {
        return switch (op) {
            case "BatchNormalization" -> input == 1 || input == 2 ? Role.PARAMETER : input >= 3 ? Role.BUFFER : null;
            case "Conv", "ConvTranspose", "InstanceNormalization", "LayerNormalization" ->
                input == 1 || input == 2 ? Role.PARAMETER : null;
            case "Gemm", "MatMul" -> Role.PARAMETER;
            case "PRelu" -> input == 1 ? Role.PARAMETER : null;
            case "Add", "Sub", "Mul", "Div", "Concat" -> size > 1 ? Role.PARAMETER : null;
            default -> null;
        };
    }

    private static long size(TensorProto t) {
        long n = 1;
        for (long d : t.getDimsList()) {
            n *= d;
        }
        return n;
    }

    private static boolean matches(String name, List<String> patterns) {
        for (String p : patterns) {
            if (p.endsWith("*") ? name.startsWith(p.substring(0, p.length() - 1)) : name.equals(p)) {
                return true;
            }
        }
        return false;
    }
}
