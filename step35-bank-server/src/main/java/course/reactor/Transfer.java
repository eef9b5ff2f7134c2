package course.reactor;

import java.util.regex.Pattern;

/**
 * One transfer as a client asked for it: from the logged-in payer, with the id the client chose
 * for it. The id makes a retry safe: the same payer and id always get the first outcome.
 */
record Transfer(String payer, String id, String payee, long cents) {
    static final int MAX_ID_CHARS = 64;
    /** Room for a UUID, a counter, a date; nothing that needs quoting in a reply or a journal line. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_ID_CHARS + "}");
    static final String ID_RULE = "an id is 1 to " + MAX_ID_CHARS + " letters, digits, '.', '_', ':' or '-'";

    static boolean isId(String text) {
        return ID.matcher(text).matches();
    }
}
