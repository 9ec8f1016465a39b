package jrkt.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** --debug's phases: one line each in the order marked, the total, and why the AOT cache was used or not. */
class PhasesTest {
    @AfterEach
    void clearProperty() { System.clearProperty("jrkt.aot"); }

    @Test
    void reportsEachPhaseInOrderThenTheTotalThenTheCache() {
        Phases.start();
        Phases.mark("parse");
        Phases.mark("store-open");
        Phases.mark("command");
        List<String> lines = Phases.report("exit").lines().toList();
        assertEquals(7, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("jrkt: debug: phase jvm \\d+\\.\\d ms \\(JVM start to main\\)"), lines.get(0));
        assertTrue(lines.get(1).matches("jrkt: debug: phase parse \\d+\\.\\d ms"), lines.get(1));
        assertTrue(lines.get(2).startsWith("jrkt: debug: phase store-open "), lines.get(2));
        assertTrue(lines.get(3).startsWith("jrkt: debug: phase command "), lines.get(3));
        assertTrue(lines.get(4).matches("jrkt: debug: main to exit \\d+\\.\\d ms"), lines.get(4));
        assertEquals("jrkt: debug: aot cache: not used (jrkt was not started by the jrkt launcher)", lines.get(5));
        assertEquals("jrkt: debug: C calls: through FFM downcalls (jrkt's JNI gate was not loaded: slower)", lines.get(6));
    }

    @Test
    void aStartOfItsOwnForgetsThePhasesBefore() {
        Phases.start();
        Phases.mark("old");
        Phases.start();
        Phases.mark("new");
        String report = Phases.report("exec");
        assertTrue(report.contains("phase new ") && !report.contains("phase old "), report);
        assertTrue(report.contains("jrkt: debug: main to exec "), report);
    }

    @Test
    void saysWhyTheCacheWasNotUsed() {
        System.setProperty("jrkt.aot", "missing:/x/jrkt-run.aot");
        assertEquals("not used: /x/jrkt-run.aot does not exist (the build makes it: ./mvnw package)", Phases.aotCache());
        System.setProperty("jrkt.aot", "stale:/x/jrkt-run.aot");
        assertEquals("not used: /x/jrkt-run.aot is older than jrkt's classes (the build remakes it: ./mvnw package)", Phases.aotCache());
        System.setProperty("jrkt.aot", "off");
        assertEquals("not used: turned off (JRKT_AOT_CACHE is empty)", Phases.aotCache());
    }
}
