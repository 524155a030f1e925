package dev.veriproof.core.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a parser failure into the project's own message: what is wrong, where, and what to send
 * instead. The parser's text is only used to recognise the case; it never reaches the sender,
 * because it names parser internals (features to enable, constraint classes, source notations).
 */
final class ParseErrors {
    private static final Pattern CHARACTER_CODE = Pattern.compile("code (-?\\d+)\\)");
    private static final Pattern QUOTED_TOKEN = Pattern.compile("token '([^']{0,40})");
    private static final Pattern QUOTED_FIELD = Pattern.compile("field '(.{0,80})'$");

    private ParseErrors() {
    }

    static String describe(JsonProcessingException e, JsonStreamContext context, int maxDepth) {
        return "Malformed JSON" + position(e.getLocation(), context) + ": " + what(e, context, maxDepth);
    }

    private static String what(JsonProcessingException e, JsonStreamContext context, int maxDepth) {
        String raw = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (e instanceof StreamConstraintsException) {
            if (raw.contains("nesting depth")) {
                return "objects and arrays are nested more than " + maxDepth + " levels deep; send at most " + maxDepth + " levels";
            }
            if (raw.contains("Number value length") || raw.contains("Number length")) {
                return "a number is written with too many characters; send at most " + Json.MAX_NUMBER_CHARACTERS
                        + " characters per number (a 64-bit floating-point number needs at most 24)";
            }
            if (raw.contains("Name length")) {
                return "a member name is too long; send shorter names";
            }
            return "a string is too long; send a smaller body";
        }
        if (e instanceof JsonEOFException || raw.startsWith("Unexpected end-of-input")) {
            return "the text ends before the JSON value is complete (" + unclosed(context) + ")";
        }
        if (raw.startsWith("Duplicate field")) {
            Matcher name = QUOTED_FIELD.matcher(raw);
            return "Duplicate field " + (name.find() ? "'" + name.group(1) + "' " : "")
                    + "in one object; send each member name at most once";
        }
        if (raw.startsWith("Non-standard token") || raw.contains("ALLOW_NON_NUMERIC_NUMBERS")) {
            return "NaN and Infinity are not JSON numbers; send a finite number, or leave the field out";
        }
        if (raw.startsWith("Unrecognized token")) {
            Matcher token = QUOTED_TOKEN.matcher(raw);
            return "unrecognised word" + (token.find() ? " '" + token.group(1) + "'" : "")
                    + "; a JSON value is an object, an array, a string in double quotes, a number, true, false or null";
        }
        if (raw.startsWith("Invalid numeric value") || raw.contains("in numeric value")) {
            if (raw.contains("Leading zeroes")) {
                return "a number has a leading zero; write 7, not 07";
            }
            return "a number is malformed; write numbers as RFC 8259 §6 does: -12, 0.5, 1.5e-3 (no leading '+', no trailing '.')";
        }
        if (raw.startsWith("Illegal unquoted character")) {
            return "a string holds a raw control character (" + character(raw)
                    + "); escape it, e.g. \\n for a line break, \\t for a tab, \\u0000 otherwise";
        }
        if (raw.startsWith("Unrecognized character escape")) {
            return "a string holds an invalid escape sequence (\\" + printable(raw) + "); the escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX";
        }
        if (raw.startsWith("Illegal character") || raw.startsWith("Invalid white space")) {
            return "a control character (" + character(raw) + ") stands between values; only spaces, tabs and line breaks may";
        }
        if (raw.startsWith("Unexpected close marker")) {
            return "a closing bracket does not match the open " + (context != null && context.inArray() ? "array; close it with ']'"
                    : context != null && context.inObject() ? "object; close it with '}'" : "value");
        }
        if (raw.startsWith("Invalid UTF-8") || raw.contains("Invalid UTF-8")) {
            return "the text is not valid UTF-8; send the body encoded as UTF-8";
        }
        if (raw.startsWith("Unexpected character")) {
            String c = character(raw);
            if (raw.contains("comment") || c.equals("'#'") || c.equals("'/'")) {
                return "comments are not part of JSON; remove them";
            }
            if (c.equals("'''")) {
                return "strings and member names are written in double quotes (\"), not single quotes";
            }
            if (raw.contains("double-quote to start field name")) {
                return "expected a member name in double quotes, got " + c
                        + (c.equals("'}'") ? " (no comma may follow the last member)" : "");
            }
            if (raw.contains("comma to separate Object entries")) {
                return "expected ',' or '}' after an object member, got " + c;
            }
            if (raw.contains("comma to separate Array entries")) {
                return "expected ',' or ']' after an array element, got " + c;
            }
            if (raw.contains("colon to separate")) {
                return "expected ':' after a member name, got " + c;
            }
            return "expected a value (an object, an array, a string in double quotes, a number, true, false or null), got "
                    + c + (c.equals("']'") ? " (no comma may follow the last element)" : "");
        }
        return "this is not valid JSON (RFC 8259); check the text around this position";
    }

    private static String unclosed(JsonStreamContext context) {
        if (context == null || context.inRoot()) {
            return "a string or value is cut short";
        }
        return context.inArray() ? "an array is not closed; add ']'" : "an object is not closed; add '}'";
    }

    private static String position(JsonLocation where, JsonStreamContext context) {
        StringBuilder text = new StringBuilder();
        if (where != null && where.getLineNr() > 0) {
            text.append(" at line ").append(where.getLineNr()).append(", column ").append(where.getColumnNr());
        }
        String path = path(context);
        if (!path.equals("$")) {
            text.append(" (in ").append(path).append(')');
        }
        return text.toString();
    }

    /** The JSON path of the value being read when the parser stopped. */
    static String path(JsonStreamContext context) {
        if (context == null) {
            return "$";
        }
        StringBuilder path = new StringBuilder();
        for (JsonStreamContext at = context; at != null && !at.inRoot(); at = at.getParent()) {
            String step = at.inArray() ? "[" + Math.max(0, at.getCurrentIndex()) + "]"
                    : at.getCurrentName() == null ? "" : JsonPath.child("", at.getCurrentName());
            path.insert(0, step);
        }
        return "$" + path;
    }

    private static String character(String raw) {
        Matcher code = CHARACTER_CODE.matcher(raw);
        if (!code.find()) {
            return "an unexpected character";
        }
        int cp = Integer.parseInt(code.group(1));
        if (cp < 0) {
            return "the end of the text";
        }
        if (cp < 0x20 || cp == 0x7f || !Character.isValidCodePoint(cp)) {
            return String.format(Locale.ROOT, "U+%04X", cp);
        }
        return "'" + new String(Character.toChars(cp)) + "'";
    }

    private static String printable(String raw) {
        String c = character(raw);
        return c.startsWith("'") ? c.substring(1, c.length() - 1) : c;
    }
}
