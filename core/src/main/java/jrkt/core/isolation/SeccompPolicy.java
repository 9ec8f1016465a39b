package jrkt.core.isolation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import jrkt.core.JrktException;

/**
 * An app's seccomp policy as appc states it: a retain set (only these calls) or a remove set
 * (all but these), with an errno that blocked calls return, or none: then a blocked call kills
 * the whole process with SIGSYS (SECCOMP_RET_KILL_PROCESS; killing only the thread would leave a
 * multithreaded program half alive).
 *
 * <p>Without any seccomp isolator an app gets {@link #jrktDefault()}: retain
 * {@code @jrkt/default-whitelist}, errno EPERM. {@code @appc.io/all} in a retain set opts out
 * (no filter); {@code @appc.io/empty} in a remove set opts in to the default.
 *
 * <p>stage1 installs the filter before it changes the app's credentials (docs/stage1-abi.md), so
 * the calls it makes after that are always allowed by a retain set and may not be named by a
 * remove set: {@link #LIFECYCLE}. appc lets an implementation add such a minimal set.
 */
public final class SeccompPolicy {
    public enum Mode { RETAIN, REMOVE }

    /** Calls stage1 makes between installing the filter and the app's execve, and the ones an exit needs. */
    public static final Set<String> LIFECYCLE = Set.of("execve", "exit", "exit_group", "rt_sigreturn", "setgroups",
        "setgid", "setuid", "setresgid", "setresuid", "setregid", "setreuid", "capget", "capset", "prctl");

    private static final int CLONE_NEWUSER = 0x10000000;
    /** personality(2) values libc and setarch use: PER_LINUX, PER_LINUX32, UNAME26 and both, and the query 0xffffffff. */
    private static final List<Integer> PERSONALITIES = List.of(0x0, 0x8, 0x20000, 0x20008, 0xffffffff);

    private final Mode mode;
    private final List<String> set;
    private final String errno;   // null: blocked calls kill the process

    private SeccompPolicy(Mode mode, List<String> set, String errno) {
        this.mode = mode;
        this.set = List.copyOf(set);
        this.errno = errno;
    }

    /** jrkt's default: only {@code @jrkt/default-whitelist}, the rest fails with EPERM. */
    public static SeccompPolicy jrktDefault() {
        return new SeccompPolicy(Mode.RETAIN, List.of(SeccompGroups.JRKT_DEFAULT_WHITELIST), "EPERM");
    }

    /**
     * A checked policy; errno null or empty means SIGSYS. Throws JrktException starting with
     * {@code where} for an unknown call, group or errno, an empty set, or a lifecycle call removed.
     */
    public static SeccompPolicy of(Mode mode, List<String> set, String errno, String where) {
        if (set.isEmpty()) throw new JrktException(where + ": the set of system calls is empty");
        if (errno != null && errno.isEmpty()) errno = null;
        if (errno != null && ErrnoNames.number(errno) < 0) {
            throw new JrktException(where + ": \"" + errno + "\" is not an errno name (like EPERM, ENOSYS)");
        }
        for (String name : set) {
            if (name.startsWith("@")) {
                if (!SeccompGroups.names().contains(name)) {
                    throw new JrktException(where + ": \"" + name + "\" is not a syscall group (known: "
                        + String.join(", ", SeccompGroups.names()) + ")");
                }
            } else if (Syscalls.number(name) < 0) {
                throw new JrktException(where + ": \"" + name + "\" is not an x86_64 system call");
            }
        }
        if (mode == Mode.REMOVE) {
            if (set.contains(SeccompGroups.ALL)) {
                throw new JrktException(where + ": a remove set of " + SeccompGroups.ALL + " would block every call, and the app could not start");
            }
            if (!set.contains(SeccompGroups.EMPTY)) {
                for (String name : set) {
                    if (LIFECYCLE.contains(name)) {
                        throw new JrktException(where + ": " + name + " cannot be removed: stage1 needs it to start the app"
                            + " after installing the filter");
                    }
                }
            }
        }
        return new SeccompPolicy(mode, set, errno);
    }

    public Mode mode() { return mode; }
    public List<String> set() { return set; }
    /** The errno name blocked calls return, or null when they kill the process. */
    public String errno() { return errno; }

    /** A retain set with {@code @appc.io/all}: the app runs without a filter. */
    public boolean optsOut() { return mode == Mode.RETAIN && set.contains(SeccompGroups.ALL); }

    /** What is enforced: a remove set with {@code @appc.io/empty} is the default filter. */
    public SeccompPolicy effective() {
        return mode == Mode.REMOVE && set.contains(SeccompGroups.EMPTY) ? jrktDefault() : this;
    }

    /** One line for messages and status: "retain @jrkt/default-whitelist errno=EPERM". */
    public String describe() {
        return jrkt.core.Ascii.lower(mode.name()) + " " + String.join(",", set) + (errno == null ? " (SIGSYS)" : " errno=" + errno);
    }

    /** The BPF program (see {@link SeccompFilter}); not for a policy that {@link #optsOut()}. The default's the build made. */
    public byte[] compile() {
        if (optsOut()) throw new IllegalStateException("a retain set of " + SeccompGroups.ALL + " has no filter");
        if (effective().equals(jrktDefault())) return DefaultFilter.bytes();
        return compileNow();
    }

    /** The BPF program, compiled now. */
    byte[] compileNow() {
        if (optsOut()) throw new IllegalStateException("a retain set of " + SeccompGroups.ALL + " has no filter");
        SeccompPolicy p = effective();
        SeccompFilter.Ret deny = p.errno == null ? SeccompFilter.kill() : SeccompFilter.errno(ErrnoNames.number(p.errno));
        Map<Integer, SeccompFilter.Action> byNumber = new HashMap<>();
        if (p.mode == Mode.RETAIN) {
            if (p.set.contains(SeccompGroups.JRKT_DEFAULT_WHITELIST)) {
                byNumber.put(Syscalls.number("clone"), new SeccompFilter.AllowUnlessFlags(CLONE_NEWUSER, deny.value()));
                byNumber.put(Syscalls.number("unshare"), new SeccompFilter.AllowUnlessFlags(CLONE_NEWUSER, deny.value()));
                byNumber.put(Syscalls.number("clone3"), SeccompFilter.errno(SeccompFilter.ENOSYS));
                byNumber.put(Syscalls.number("personality"), new SeccompFilter.AllowValues(PERSONALITIES, deny.value()));
            }
            for (String name : p.names()) byNumber.put(Syscalls.number(name), SeccompFilter.allow());
            for (String name : LIFECYCLE) byNumber.put(Syscalls.number(name), SeccompFilter.allow());
            // A newer kernel's calls answer ENOSYS, so that libc falls back to older ones (clone3 → clone).
            SeccompFilter.Action above = p.errno == null ? deny : SeccompFilter.errno(SeccompFilter.ENOSYS);
            return SeccompFilter.compile(byNumber, deny, above, Syscalls.MAX_KNOWN);
        }
        for (String name : p.names()) byNumber.put(Syscalls.number(name), deny);
        return SeccompFilter.compile(byNumber, SeccompFilter.allow(), SeccompFilter.allow(), Syscalls.MAX_KNOWN);
    }

    /** The plain call names of the set, groups expanded ({@code @appc.io/empty} contributes none). */
    List<String> names() {
        Set<String> names = new LinkedHashSet<>();
        for (String entry : set) {
            if (entry.equals(SeccompGroups.ALL)) names.addAll(Syscalls.X86_64.keySet());
            else if (entry.startsWith("@")) names.addAll(SeccompGroups.NAMED.getOrDefault(entry, List.of()));
            else names.add(entry);
        }
        return new ArrayList<>(names);
    }

    @Override public boolean equals(Object o) {
        return o instanceof SeccompPolicy p && p.mode == mode && p.set.equals(set) && Objects.equals(p.errno, errno);
    }

    @Override public int hashCode() { return Objects.hash(mode, set, errno); }

    @Override public String toString() { return describe(); }
}
