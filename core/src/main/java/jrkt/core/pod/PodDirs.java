package jrkt.core.pod;

import java.nio.file.Path;

/**
 * Where pods live: {@code <dataDir>/pods/<state>/<uuid>}. A pod's state is the directory it
 * is in plus whether its lock is held; moving between states is an atomic rename.
 */
public record PodDirs(Path dataDir) {
    public static final String EMBRYO = "embryo", PREPARE = "prepare", PREPARED = "prepared",
        RUN = "run", EXITED_GARBAGE = "exited-garbage", GARBAGE = "garbage";
    public static final String[] ALL = {EMBRYO, PREPARE, PREPARED, RUN, EXITED_GARBAGE, GARBAGE};

    public Path root() { return dataDir.resolve("pods"); }
    public Path stateDir(String state) { return root().resolve(state); }
    public Path pod(String state, String uuid) { return stateDir(state).resolve(uuid); }
}
