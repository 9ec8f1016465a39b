package jrkt.core.image.aci;

/** appc's two name types: AC Identifier (image names, label and annotation names) and AC Name (app, volume, port names). */
public final class AcName {
    private AcName() {}
    /** AC Identifier: lowercase a-z, 0-9, and - . _ ~ / ; starts and ends with alphanumeric. */
    public static boolean isIdentifier(String s) { throw new UnsupportedOperationException("TODO"); }
    /** AC Name: lowercase a-z, 0-9, and - ; starts and ends with alphanumeric. */
    public static boolean isName(String s) { throw new UnsupportedOperationException("TODO"); }
}
