package dev.iocp.examples;

/**
 * What a request's {@code Range} header selects of a file (RFC 9110, section 14): the whole file,
 * one part of it, or nothing it has.
 *
 * <p>Only a single byte range is served as a part. Several ranges would need a
 * {@code multipart/byteranges} body, and a header that is not a valid byte range (another unit, a
 * typo, {@code bytes=5-2}) is not a request this server understands; RFC 9110 lets a server ignore
 * {@code Range} in both cases and answer 200 with the whole file, which every client must accept.
 */
sealed interface RangeSelection {
    /** No usable {@code Range}: the whole file, 200. */
    record Whole() implements RangeSelection {
    }

    /** Bytes {@code first} to {@code last} of a file of {@code fileLength} bytes, both included: 206. */
    record Part(long first, long last, long fileLength) implements RangeSelection {
        long length() {
            return last - first + 1;
        }

        /** The {@code Content-Range} value of a 206. */
        String contentRange() {
            return "bytes " + first + "-" + last + "/" + fileLength;
        }
    }

    /** A valid range that starts beyond the end of the file: 416. */
    record Unsatisfiable(long fileLength) implements RangeSelection {
        /** The {@code Content-Range} value of a 416, which tells the client the file's length. */
        String contentRange() {
            return "bytes */" + fileLength;
        }
    }

    RangeSelection WHOLE = new Whole();

    /**
     * What {@code range} (a {@code Range} header's value, null when there is none) selects of a
     * file of {@code fileLength} bytes.
     */
    static RangeSelection of(String range, long fileLength) {
        if (range == null) {
            return WHOLE;
        }
        int equals = range.indexOf('=');
        if (equals < 0 || !range.substring(0, equals).equalsIgnoreCase("bytes")) {
            return WHOLE;
        }
        String spec = range.substring(equals + 1).strip();
        int dash = spec.indexOf('-');
        if (spec.indexOf(',') >= 0 || dash < 0) {
            return WHOLE;
        }
        long first = number(spec.substring(0, dash));
        long last = number(spec.substring(dash + 1));
        if (dash == 0) {
            return suffix(last, fileLength);
        }
        boolean open = dash == spec.length() - 1; // bytes=first-
        if (first < 0 || (!open && (last < 0 || last < first))) {
            return WHOLE;
        }
        if (first >= fileLength) {
            return new Unsatisfiable(fileLength);
        }
        return new Part(first, open ? fileLength - 1 : Math.min(last, fileLength - 1), fileLength);
    }

    /** {@code bytes=-n}: the last {@code n} bytes, or all of them if the file is shorter. */
    private static RangeSelection suffix(long n, long fileLength) {
        if (n < 0) {
            return WHOLE;
        }
        if (n == 0) {
            return new Unsatisfiable(fileLength);
        }
        if (fileLength == 0) {
            // The suffix of an empty file is empty, and a 206 cannot say so (its Content-Range
            // needs a first and last byte): the whole, empty file as a 200 is the same answer.
            return WHOLE;
        }
        return new Part(Math.max(0, fileLength - n), fileLength - 1, fileLength);
    }

    /** The value of a string of ASCII digits; -1 when it is empty, not digits, or overflows. */
    private static long number(String digits) {
        if (digits.isEmpty() || digits.length() > 18) { // 18 digits always fit in a long
            return -1;
        }
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
