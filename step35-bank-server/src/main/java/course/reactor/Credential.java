package course.reactor;

/**
 * What an account keeps instead of its password: something that can tell whether a login's
 * attempt is the password. The bank's is a {@link PasswordHash}; a test may use a double.
 */
interface Credential {
    /** True if {@code attempt} is the password. Slow on purpose: never call it on an IO thread. */
    boolean matches(String attempt);

    /**
     * A credential that matches nothing and costs as much to check as this one: what a login for
     * a user who does not exist is checked against, so that its answer takes as long.
     */
    Credential decoy();
}
