package jrkt.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Host processes as /proc shows them: pid, parent, command name. */
public final class Procs {
    private Procs() {}

    public record Proc(long pid, long ppid, String comm) {}

    /** The process, or null when it is gone. */
    public static Proc read(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // comm is in parentheses and may hold spaces or parentheses itself: split at the last ')'
            int open = stat.indexOf('(');
            int close = stat.lastIndexOf(')');
            String[] rest = stat.substring(close + 2).split(" ");
            return new Proc(pid, Long.parseLong(rest[1]), stat.substring(open + 1, close));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    public static List<Proc> all() {
        List<Proc> procs = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) continue;
                Proc proc = read(Long.parseLong(name));
                if (proc != null) procs.add(proc);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return procs;
    }

    /** pid and its ancestors up to the host's init. */
    public static List<Proc> ancestry(long pid) {
        List<Proc> chain = new ArrayList<>();
        Proc p = read(pid);
        while (p != null) {
            chain.add(p);
            if (p.ppid() == 0) break;
            p = read(p.ppid());
        }
        return chain;
    }

    /** Every process below pid (not pid itself). */
    public static List<Proc> descendants(long pid) {
        Map<Long, List<Proc>> children = new HashMap<>();
        for (Proc p : all()) children.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p);
        List<Proc> found = new ArrayList<>();
        Deque<Long> todo = new ArrayDeque<>(List.of(pid));
        while (!todo.isEmpty()) {
            for (Proc c : children.getOrDefault(todo.pop(), List.of())) {
                found.add(c);
                todo.push(c.pid());
            }
        }
        return found;
    }

    public static boolean alive(long pid) {
        Proc p = read(pid);
        if (p == null) return false;
        try {
            // a zombie has exited already
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    /** The command line of a live process, its arguments separated by blanks ("" when gone). */
    public static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"))).replace('\0', ' ').strip();
        } catch (IOException e) {
            return "";
        }
    }

    public static void kill9(long pid) {
        try {
            new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
