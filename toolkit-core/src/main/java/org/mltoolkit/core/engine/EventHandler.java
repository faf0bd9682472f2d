package org.mltoolkit.core.engine;

/**
 * Code attached to an {@link Event} of an {@link Engine}. A handler may read and update the state, call
 * {@link Engine#terminate(String)}, or throw to abort the run (the engine then fires
 * {@link Event#EXCEPTION_RAISED} and rethrows).
 */
@FunctionalInterface
public interface EventHandler {
    void handle(Engine engine);
}
