package jrkt.core.pod.userns;

import jrkt.core.JrktException;

/**
 * {@code --private-users}: whether a pod gets a user namespace of its own, and how its files
 * get their owners in it. IDMAP mounts the image layers and volumes idmapped (no per-file work);
 * CHOWN copies each app's tree with shifted owners, for file systems that cannot idmap.
 */
public enum PrivateUsers {
    NONE, IDMAP, CHOWN;

    /** The flag's value: empty (the flag alone) or "idmap" is IDMAP, "chown" CHOWN. */
    public static PrivateUsers parse(String value) {
        return switch (value == null ? "" : value) {
            case "", "idmap", "true" -> IDMAP;
            case "chown" -> CHOWN;
            case "false", "none" -> NONE;
            default -> throw new JrktException("--private-users=" + value + ": not idmap or chown");
        };
    }

    /** The plan's mode word (docs/stage1-abi.md, `userns`). */
    public String planMode() { return this == CHOWN ? "shifted" : "idmap"; }
}
