package course.reactor;

/**
 * One transfer as a client asked for it: from the logged-in payer, with the id the client chose
 * for it. The id makes a retry safe: the same payer and id always get the first outcome.
 */
record Transfer(String payer, String id, String payee, long cents) {
    static final int MAX_ID_CHARS = 64;
    static final String ID_RULE = "an id is 1 to " + MAX_ID_CHARS + " letters, digits, '.', '_', ':' or '-'";

    /**
     * Room for a UUID, a counter, a date; nothing that needs quoting in a reply or a journal line.
     * The regex {@code [A-Za-z0-9._:-]{1,64}} by hand: every transfer asks.
     */
    static boolean isId(String text) {
        if (text.isEmpty() || text.length() > MAX_ID_CHARS) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '.' || c == '_' || c == ':' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
