package jrkt.core.image.archive;

import jrkt.core.JrktException;

/** An archive entry that would write outside the target, or an archive that breaks its format's rules. */
public final class UnsafeArchiveException extends JrktException {
    public UnsafeArchiveException(String message) { super(message); }
}
