package jrkt.core.pod;

/**
 * Where an app's files are in its pod directory, relative to it: all in apps/NAME, which stage1
 * records the app's state in too. One directory an app: each directory more is an inode every
 * start makes (on this host's journal-less ext4, a scan past every recently freed one). Pods an
 * earlier jrkt prepared have the overlay's directories in overlay/NAME/ and the etc files in
 * etc/NAME/; their plan names them.
 */
public final class AppDirs {
    private AppDirs() {}

    public static String of(String app) { return "apps/" + app; }

    /** The overlay's upper directory: what the app wrote over its image. */
    public static String upper(String app) { return of(app) + "/upper"; }

    /** overlayfs's work directory, on the same file system as upper. */
    public static String work(String app) { return of(app) + "/work"; }

    /**
     * The app's /etc/hosts and /etc/resolv.conf, bind-mounted over the image's (pods an earlier
     * jrkt prepared have them in etc/NAME/; their plan names them).
     */
    public static String hosts(String app) { return of(app) + "/hosts"; }

    public static String resolvConf(String app) { return of(app) + "/resolv.conf"; }
}
