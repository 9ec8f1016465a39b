package jrkt.core.pod;

/**
 * Where an app's files are in its pod directory, relative to it: all in apps/NAME, which stage1
 * records the app's state in too. One directory an app: each directory more is an inode every
 * start makes (on this host's journal-less ext4, a scan past every recently freed one). Pods an
 * earlier jrkt prepared have the overlay's directories in overlay/NAME/; their plan names them.
 */
public final class AppDirs {
    private AppDirs() {}

    public static String of(String app) { return "apps/" + app; }

    /** The overlay's upper directory: what the app wrote over its image. */
    public static String upper(String app) { return of(app) + "/upper"; }

    /** overlayfs's work directory, on the same file system as upper. */
    public static String work(String app) { return of(app) + "/work"; }
}
