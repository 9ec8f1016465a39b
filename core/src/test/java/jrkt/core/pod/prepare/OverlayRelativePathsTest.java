package jrkt.core.pod.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The plan gives overlayfs its upperdir and workdir relative to the pod directory (stage1's
 * working directory), so that the pod directory can be renamed between states. This checks
 * with a real mount that the kernel resolves them against the mounting process's cwd.
 */
class OverlayRelativePathsTest {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MOUNT = LINKER.downcallHandle(LINKER.defaultLookup().find("mount").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
            ValueLayout.JAVA_LONG, ValueLayout.ADDRESS), Linker.Option.captureCallState("errno"));
    private static final MethodHandle UMOUNT2 = LINKER.downcallHandle(LINKER.defaultLookup().find("umount2").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    @Test
    void relativeUpperAndWorkDirsResolveAgainstTheWorkingDirectory() throws Throwable {
        // The JVM cannot chdir, so the "pod directory" lives below the current directory.
        Path cwd = Path.of("").toAbsolutePath();
        Path pod = Files.createTempDirectory(cwd.resolve("target"), "overlay-rel-");
        String rel = cwd.relativize(pod).toString();
        Path lower = Files.createDirectories(pod.resolve("lower"));
        Files.writeString(lower.resolve("from-image"), "image\n");
        Files.createDirectories(pod.resolve("overlay/app/upper"));
        Files.createDirectories(pod.resolve("overlay/app/work"));
        Path root = Files.createDirectories(pod.resolve("root"));
        String data = "lowerdir=" + lower + ",upperdir=" + rel + "/overlay/app/upper,workdir=" + rel + "/overlay/app/work";
        mount("overlay", root.toString(), "overlay", data);
        try {
            assertEquals("image\n", Files.readString(root.resolve("from-image")));
            Files.writeString(root.resolve("written-by-app"), "app\n");
            assertEquals("app\n", Files.readString(pod.resolve("overlay/app/upper/written-by-app")));
            assertTrue(Files.notExists(lower.resolve("written-by-app")), "the image's tree must stay untouched");
        } finally {
            try (Arena a = Arena.ofConfined()) {
                UMOUNT2.invoke(a.allocateFrom(root.toString()), 2 /* MNT_DETACH */);
            }
            try (Stream<Path> s = Files.walk(pod)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void mount(String source, String target, String type, String data) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(Linker.Option.captureStateLayout());
            int rc = (int) MOUNT.invoke(state, a.allocateFrom(source), a.allocateFrom(target), a.allocateFrom(type), 0L, a.allocateFrom(data));
            if (rc != 0) {
                int errno = state.get(ValueLayout.JAVA_INT, Linker.Option.captureStateLayout().byteOffset(
                    java.lang.foreign.MemoryLayout.PathElement.groupElement("errno")));
                throw new AssertionError("mount overlay " + data + " failed: errno " + errno);
            }
        }
    }
}
