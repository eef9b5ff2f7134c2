package course.reactor;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.InvalidKeySpecException;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A salted, slow hash of a password, as the accounts file stores it:
 * <pre>
 * pbkdf2-sha256$600000$&lt;salt&gt;$&lt;hash&gt;      (salt and hash in Base64)
 * </pre>
 * PBKDF2 with HMAC-SHA256 (in every JDK) runs the hash {@code iterations} times: a login pays
 * it once, a thief who copied the file pays it for every guess of every account. The random
 * salt makes each account's hash different even for equal passwords, so one guess cannot be
 * tried against all accounts at once. The parameters are stored with each hash, so the cost can
 * be raised account by account without breaking the old entries.
 */
final class PasswordHash implements Credential {
    static final String SCHEME = "pbkdf2-sha256";
    /** OWASP's figure for PBKDF2-HMAC-SHA256 (2023); what hash-password writes. */
    static final int RECOMMENDED_ITERATIONS = 600_000;
    /** A higher count would let one line of the file make every login take minutes. */
    static final int MAX_ITERATIONS = 10_000_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** A new hash of {@code password} with a fresh random salt. */
    static PasswordHash of(String password, int iterations) {
        checkIterations(iterations);
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new PasswordHash(iterations, salt, pbkdf2(password, salt, iterations));
    }

    /** Reads the stored form; the message of the IllegalArgumentException never shows the text. */
    static PasswordHash parse(String text) {
        String[] parts = text.split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            throw new IllegalArgumentException("not a " + SCHEME + "$ITERATIONS$SALT$HASH entry");
        }
        int iterations;
        byte[] salt;
        byte[] hash;
        try {
            iterations = Integer.parseInt(parts[1]);
            salt = Base64.getDecoder().decode(parts[2]);
            hash = Base64.getDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) { // NumberFormatException is one
            throw new IllegalArgumentException("a " + SCHEME + " entry with a bad number or Base64");
        }
        checkIterations(iterations);
        if (salt.length < SALT_BYTES || hash.length != HASH_BYTES) {
            throw new IllegalArgumentException("a " + SCHEME + " entry needs a salt of " + SALT_BYTES
                    + " bytes or more and a hash of " + HASH_BYTES);
        }
        return new PasswordHash(iterations, salt, hash);
    }

    private static void checkIterations(int iterations) {
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be 1 to " + MAX_ITERATIONS);
        }
    }

    int iterations() {
        return iterations;
    }

    /**
     * MessageDigest.isEqual looks at every byte whatever the first difference, so the time a
     * wrong guess takes says nothing about how close it was.
     */
    @Override
    public boolean matches(String attempt) {
        return MessageDigest.isEqual(hash, pbkdf2(attempt, salt, iterations));
    }

    /** Random bytes where the hash would be: no password gives them. */
    @Override
    public PasswordHash decoy() {
        byte[] randomSalt = new byte[SALT_BYTES];
        byte[] randomHash = new byte[HASH_BYTES];
        RANDOM.nextBytes(randomSalt);
        RANDOM.nextBytes(randomHash);
        return new PasswordHash(iterations, randomSalt, randomHash);
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalStateException("every JDK has PBKDF2WithHmacSHA256", e);
        } finally {
            spec.clearPassword();
        }
    }

    /** The stored form, the line's second field. */
    @Override
    public String toString() {
        Base64.Encoder base64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + iterations + "$" + base64.encodeToString(salt) + "$" + base64.encodeToString(hash);
    }
}
