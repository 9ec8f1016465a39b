package jrkt.core.pod.userns;

/**
 * The host ids a pod's user namespace maps its ids 0..count-1 to: uid {@code uid + n} and gid
 * {@code gid + n} on the host are uid and gid n in the pod.
 */
public record IdRange(long uid, long gid, long count) {
    /** Each pod gets this many ids, as rkt and podman give: every id a Linux distribution uses. */
    public static final long SIZE = 65536;

    /** As /proc/PID/uid_map writes it: "inside outside count". */
    @Override public String toString() { return "0:" + uid + ":" + count + " (gid 0:" + gid + ":" + count + ")"; }
}
