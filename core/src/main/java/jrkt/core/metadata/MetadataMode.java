package jrkt.core.metadata;

/**
 * Whether a pod gets the appc metadata service ({@code --mds-register}): AUTO serves it when the
 * pod can have one (its own network, a stage1 that serves it) and runs without it otherwise,
 * saying why in {@code status}; REQUIRED makes a pod that cannot have it fail before any app
 * starts; OFF gives it none.
 */
public enum MetadataMode {
    AUTO, REQUIRED, OFF;

    /** The flag's value: absent is AUTO, {@code --mds-register} and {@code =true} REQUIRED, {@code =false} OFF. */
    public static MetadataMode ofFlag(Boolean register) {
        if (register == null) return AUTO;
        return register ? REQUIRED : OFF;
    }
}
