package org.mltoolkit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkConf;
import org.apache.spark.internal.config.Network$;
import org.apache.spark.internal.config.package$;
import org.junit.jupiter.api.Test;

/** The Spark configuration a sweep runs with. */
class SweepConfTest {
    private static SparkConf userConf() {
        return new SparkConf(false); // without the JVM's spark.* properties, as if spark-submit gave none
    }

    @Test
    void theKeysAreSparksOwn() {
        assertEquals(package$.MODULE$.STORAGE_BLOCKMANAGER_HEARTBEAT_TIMEOUT().key(), Sweep.EXECUTOR_HEARTBEAT_TIMEOUT);
        assertEquals(Network$.MODULE$.NETWORK_TIMEOUT().key(), Sweep.NETWORK_TIMEOUT);
    }

    @Test
    void aLocalMasterKeepsItsExecutorThroughAPauseOfTheProcess() {
        SparkConf conf = Sweep.configure(userConf(), "local[2]", 2);

        assertEquals("local[2]", conf.get("spark.master"));
        assertEquals("2", conf.get("spark.task.cpus"));
        assertEquals(
                Sweep.LOCAL_EXECUTOR_HEARTBEAT_TIMEOUT.toMillis(),
                conf.getTimeAsMs(Sweep.EXECUTOR_HEARTBEAT_TIMEOUT, "0"));
    }

    @Test
    void theDefaultMasterIsLocalToo() {
        SparkConf conf = Sweep.configure(userConf(), null, 1);

        assertEquals(Sweep.DEFAULT_MASTER, conf.get("spark.master"));
        assertEquals(
                Sweep.LOCAL_EXECUTOR_HEARTBEAT_TIMEOUT.toMillis(),
                conf.getTimeAsMs(Sweep.EXECUTOR_HEARTBEAT_TIMEOUT, "0"));
    }

    @Test
    void aClusterKeepsSparksHeartbeatTimeout() {
        SparkConf conf = Sweep.configure(userConf(), "spark://master:7077", 4);

        assertEquals("4", conf.get("spark.task.cpus"));
        assertFalse(conf.contains(Sweep.EXECUTOR_HEARTBEAT_TIMEOUT));
    }

    @Test
    void everyFormOfLocalMasterIsLocalButALocalClusterIsNot() {
        for (String master : new String[] {"local", "local[*]", "local[4,2]"}) {
            assertTrue(Sweep.configure(userConf(), master, 1).contains(Sweep.EXECUTOR_HEARTBEAT_TIMEOUT), master);
        }
        // executors in JVMs of their own, which may die while this one runs
        assertFalse(
                Sweep.configure(userConf(), "local-cluster[2,1,1024]", 1).contains(Sweep.EXECUTOR_HEARTBEAT_TIMEOUT));
    }

    @Test
    void aTimeoutTheUserSetIsKept() {
        SparkConf network = Sweep.configure(userConf().set(Sweep.NETWORK_TIMEOUT, "300s"), "local[*]", 2);
        SparkConf heartbeat = Sweep.configure(userConf().set(Sweep.EXECUTOR_HEARTBEAT_TIMEOUT, "90000"), "local[*]", 2);

        assertFalse(network.contains(Sweep.EXECUTOR_HEARTBEAT_TIMEOUT));
        assertEquals("90000", heartbeat.get(Sweep.EXECUTOR_HEARTBEAT_TIMEOUT));
    }

    @Test
    void theMasterSparkSubmitGaveIsKeptWhenTheCommandNamesNone() {
        SparkConf conf = Sweep.configure(userConf().setMaster("spark://m:7077"), null, 2);

        assertEquals("spark://m:7077", conf.get("spark.master"));
        assertFalse(conf.contains(Sweep.EXECUTOR_HEARTBEAT_TIMEOUT));
    }
}
