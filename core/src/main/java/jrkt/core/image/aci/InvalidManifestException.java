package jrkt.core.image.aci;

import jrkt.core.JrktException;

/** A manifest that breaks the appc schema; the message names the field, e.g. {@code manifest: app.exec[0] "bin/sh" must be an absolute path}. */
public final class InvalidManifestException extends JrktException {
    public InvalidManifestException(String message) { super(message); }
}
