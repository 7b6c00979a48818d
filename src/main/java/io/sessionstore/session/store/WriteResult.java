package io.sessionstore.session.store;

/** What {@link SessionStore#write} did. */
public sealed interface WriteResult {

    /** The session is stored as {@code version}. */
    record Written(long version) implements WriteResult {
        public Written {
            if (version < 1) {
                throw new IllegalArgumentException("Versions start at 1, not " + version);
            }
        }
    }

    /** A {@link SessionChange.Delete} deleted the session: it existed until then, and is gone now. */
    record Deleted() implements WriteResult {
    }

    /**
     * The change needed a session that is gone (invalidated or expired meanwhile): nothing was written. For a
     * {@link SessionChange.Delete}: there was nothing to delete, so whoever ended the session first was told.
     */
    record Gone() implements WriteResult {
    }

    WriteResult DELETED = new Deleted();
    WriteResult GONE = new Gone();
}
