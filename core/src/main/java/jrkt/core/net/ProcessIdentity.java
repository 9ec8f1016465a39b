package jrkt.core.net;

import java.io.IOException;
import java.nio.file.Path;
import jrkt.sys.Linux;

/**
 * A process as the kernel knows it over time: its pid and its start time (in clock ticks since
 * boot, field 22 of {@code /proc/PID/stat}), so that a pid reused by another process is not
 * taken for the one recorded. Written as "PID STARTTIME".
 */
record ProcessIdentity(int pid, long startTime) {

    static ProcessIdentity self() {
        int pid = Linux.get().getpid();
        Long start = startTimeOf(pid);
        return new ProcessIdentity(pid, start == null ? -1 : start);
    }

    /** Whether this very process still exists (and is not a zombie). */
    boolean alive() {
        Long start = startTimeOf(pid);
        return start != null && start == startTime;
    }

    @Override public String toString() { return pid + " " + startTime; }

    /** The inverse of toString; null for anything else. */
    static ProcessIdentity parse(String text) {
        String[] f = text.strip().split(" ");
        try {
            return f.length == 2 ? new ProcessIdentity(Integer.parseInt(f[0]), Long.parseLong(f[1])) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The start time of a live, non-zombie process; null when there is none with this pid. */
    static Long startTimeOf(int pid) {
        String stat;
        try {
            stat = new String(jrkt.core.fs.FileBytes.read(Path.of("/proc", Integer.toString(pid), "stat")), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
        // "pid (comm) S ppid ...": comm may hold spaces and parentheses, so fields count from the last ')'
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        if (f.length < 20 || f[0].equals("Z") || f[0].equals("X")) return null;
        try {
            return Long.parseLong(f[19]); // field 22 overall; f[0] is field 3
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
