package jrkt.sys;

/** The {@link Linux} calls made through the FFM API (java.lang.foreign) on libc. */
final class FfmLinux {
    static final Linux INSTANCE = null; // TODO: implement Linux
}
