package jrkt.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The gate's own table of libc's functions (gate.c's libc_functions): a call through a wrong
 * entry would run another function than the one named. Needs jrkt's JNI library, which this
 * module's tests load (sys/pom.xml).
 */
class NativeGateTest {
    @Test
    void everyLibcFunctionJrktCallsIsInTheGatesTableAtTheAddressTheLoaderGivesIt() throws Exception {
        assertTrue(NativeGate.LOADED, "the tests run with jrkt's JNI library");
        List<String> names = libcNames();
        assertTrue(names.size() > 40, "LibcLinux's functions were found: " + names);
        for (String name : names) {
            assertTrue(NativeGate.inTable(name), name + " is missing from gate.c's libc_functions (it would be looked up by dlsym)");
            long address = NativeGate.symbol(0, name);
            assertNotEquals(0L, address, name);
            assertEquals(FfmGate.symbol(0, name), address, name + ": the gate's address is libc's own (the FFM API's lookup)");
        }
    }

    @Test
    void namesNotInTheTableAreStillFoundAndUnknownOnesAreNot() {
        assertFalse(NativeGate.inTable("getppid"));
        assertEquals(FfmGate.symbol(0, "getppid"), NativeGate.symbol(0, "getppid"), "found by dlsym, as before the table");
        assertEquals(0L, NativeGate.symbol(0, "jrkt_no_such_function"));
        long ppid = Downcall.call(Downcall.libc("getppid"), Downcall.ignoredErrno());
        assertEquals(ProcessHandle.current().parent().orElseThrow().pid(), ppid);
    }

    /** The names LibcLinux's Fn fields hold, and those Downcall and Bpf look up themselves. */
    private static List<String> libcNames() throws Exception {
        List<String> names = new ArrayList<>(List.of("strlen", "syscall"));
        for (Field field : LibcLinux.class.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers()) || !field.getType().getSimpleName().equals("Fn")) continue;
            field.setAccessible(true);
            Object fn = field.get(null);
            Field name = fn.getClass().getDeclaredField("name");
            name.setAccessible(true);
            names.add((String) name.get(fn));
        }
        return names;
    }
}
