package jrkt.core.pod;

/**
 * A pod's state, derived from the directory it is in and whether its lock is held
 * (rkt's pod lifecycle):
 * <pre>
 * embryo/          -> EMBRYO
 * prepare/         -> PREPARING (locked) or ABORTED_PREPARE (not locked: the preparer died)
 * prepared/        -> PREPARED
 * run/             -> RUNNING (locked by stage1) or EXITED
 * exited-garbage/  -> EXITED_GARBAGE, or DELETING while gc holds the lock
 * garbage/         -> GARBAGE, or DELETING while gc holds the lock
 * </pre>
 */
public enum PodState {
    EMBRYO("embryo"),
    PREPARING("preparing"),
    ABORTED_PREPARE("aborted prepare"),
    PREPARED("prepared"),
    RUNNING("running"),
    EXITED("exited"),
    EXITED_GARBAGE("exited garbage"),
    GARBAGE("garbage"),
    DELETING("deleting");

    private final String label;

    PodState(String label) { this.label = label; }

    /** As shown to users, e.g. "aborted prepare". */
    public String label() { return label; }

    @Override public String toString() { return label; }

    /** The state of a pod found in directory {@code stateDir} (one of {@link PodDirs#ALL}). */
    public static PodState of(String stateDir, boolean locked) {
        return switch (stateDir) {
            case PodDirs.EMBRYO -> EMBRYO;
            case PodDirs.PREPARE -> locked ? PREPARING : ABORTED_PREPARE;
            case PodDirs.PREPARED -> PREPARED;
            case PodDirs.RUN -> locked ? RUNNING : EXITED;
            case PodDirs.EXITED_GARBAGE -> locked ? DELETING : EXITED_GARBAGE;
            case PodDirs.GARBAGE -> locked ? DELETING : GARBAGE;
            default -> throw new IllegalArgumentException("not a pod state directory: " + stateDir);
        };
    }

    /** Whether the pod ever ran (its directory went through run/). */
    public boolean afterRun() { return this == RUNNING || this == EXITED || this == EXITED_GARBAGE; }
}
