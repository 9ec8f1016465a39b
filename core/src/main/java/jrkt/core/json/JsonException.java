package jrkt.core.json;

import jrkt.core.JrktException;

/** Malformed JSON; the message names the offset and what was expected. */
public final class JsonException extends JrktException {
    public JsonException(String message) { super(message); }
}
