package dev.quorate.lock.internal.json;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one JSON codec of Quorate's modules, which take no JSON library: objects are {@code
 * Map<String, Object>} (written and read in order), arrays {@code List<Object>} (any {@link
 * Collection} is written), numbers {@code Long} or {@code Double} when read (any {@link Number} is
 * written), and {@code true}, {@code false}, {@code null} themselves. It writes the fence history's
 * lines (fencing-spi), speaks QMP (vm) and prints the {@code quorate} command's output (cli);
 * lock-api exports it to those modules only.
 *
 * <pre>{@code
 * String line = Json.write(Json.object("execute", "stop", "id", 7)); // {"execute":"stop","id":7}
 * Map<?, ?> reply = (Map<?, ?>) Json.parse(line);
 * }</pre>
 */
public final class Json {
  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  /**
   * Makes a JSON object of keys and values, in this order.
   *
   * @param keysAndValues key, value, key, value...
   * @return the object, in order
   * @throws IllegalArgumentException if a key is missing or not a string
   */
  public static Map<String, Object> object(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException(
          "a JSON object needs a value for every key; the last key, "
              + keysAndValues[keysAndValues.length - 1]
              + ", has none");
    }
    Map<String, Object> object = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (!(keysAndValues[i] instanceof String key)) {
        throw new IllegalArgumentException(
            "JSON object key " + keysAndValues[i] + " at position " + i + " is not a string");
      }
      object.put(key, keysAndValues[i + 1]);
    }
    return object;
  }

  /**
   * Writes a value as JSON in one line; strings escape quotes, backslashes and control characters
   * only, so other text (non-ASCII included) stays as it is.
   *
   * @param value a map, collection, string, number, boolean or null, nested as deep as needed
   * @return its JSON text
   * @throws IllegalArgumentException if a value of another type occurs
   */
  public static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value, false);
    return out.toString();
  }

  /**
   * Writes a value as {@link #write} does, also escaping {@code <}, {@code >}, {@code &} and the
   * line separators U+2028 and U+2029, so the text can be embedded in a page or a script as it is.
   *
   * @param value a map, collection, string, number, boolean or null
   * @return its JSON text, without those characters
   * @throws IllegalArgumentException if a value of another type occurs
   */
  public static String writeForPages(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value, true);
    return out.toString();
  }

  /**
   * Parses one JSON value.
   *
   * @param text the document
   * @return the value
   * @throws IllegalArgumentException if the text is not one JSON value, naming the offset
   */
  public static Object parse(String text) {
    Json json = new Json(text);
    Object value = json.value();
    json.skipSpace();
    if (json.pos != text.length()) {
      throw json.error("trailing text");
    }
    return value;
  }

  private static void write(StringBuilder out, Object value, boolean forPages) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      quote(out, s, forPages);
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        quote(out, String.valueOf(e.getKey()), forPages);
        out.append(':');
        write(out, e.getValue(), forPages);
      }
      out.append('}');
    } else if (value instanceof Collection<?> list) {
      out.append('[');
      boolean first = true;
      for (Object item : list) {
        if (!first) {
          out.append(',');
        }
        first = false;
        write(out, item, forPages);
      }
      out.append(']');
    } else {
      throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
    }
  }

  private static void quote(StringBuilder out, String s, boolean forPages) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          boolean markup = c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029;
          if (c < 0x20 || forPages && markup) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private Object value() {
    skipSpace();
    if (pos >= text.length()) {
      throw error("unexpected end");
    }
    char c = text.charAt(pos);
    return switch (c) {
      case '{' -> readObject();
      case '[' -> readArray();
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> number();
    };
  }

  private Map<String, Object> readObject() {
    Map<String, Object> map = new LinkedHashMap<>();
    pos++;
    skipSpace();
    if (peek() == '}') {
      pos++;
      return map;
    }
    while (true) {
      skipSpace();
      if (peek() != '"') {
        throw error("expected a member name");
      }
      String key = string();
      skipSpace();
      expect(':');
      map.put(key, value());
      skipSpace();
      char c = next();
      if (c == '}') {
        return map;
      }
      if (c != ',') {
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> readArray() {
    List<Object> list = new ArrayList<>();
    pos++;
    skipSpace();
    if (peek() == ']') {
      pos++;
      return list;
    }
    while (true) {
      list.add(value());
      skipSpace();
      char c = next();
      if (c == ']') {
        return list;
      }
      if (c != ',') {
        throw error("expected ',' or ']'");
      }
    }
  }

  private String string() {
    expect('"');
    StringBuilder out = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') {
        return out.toString();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = next();
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (pos + 4 > text.length()) {
            throw error("short \\u escape");
          }
          try {
            out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
          } catch (NumberFormatException ex) {
            throw error("bad \\u escape");
          }
          pos += 4;
        }
        default -> throw error("bad escape \\" + e);
      }
    }
  }

  private Object number() {
    int start = pos;
    while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
    String n = text.substring(start, pos);
    if (n.isEmpty()) {
      throw error("unexpected character '" + text.charAt(start) + "'");
    }
    try {
      if (n.contains(".") || n.contains("e") || n.contains("E")) {
        return Double.parseDouble(n);
      }
      return Long.parseLong(n);
    } catch (NumberFormatException e) {
      throw error("bad number '" + n + "'");
    }
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, pos)) {
      throw error("expected " + word);
    }
    pos += word.length();
    return value;
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private char peek() {
    if (pos >= text.length()) {
      throw error("unexpected end");
    }
    return text.charAt(pos);
  }

  private char next() {
    char c = peek();
    pos++;
    return c;
  }

  private void expect(char c) {
    if (next() != c) {
      pos--;
      throw error("expected '" + c + "'");
    }
  }

  private IllegalArgumentException error(String what) {
    String shown = text.length() > 200 ? text.substring(0, 200) + "..." : text;
    return new IllegalArgumentException(
        "malformed JSON at offset " + pos + ": " + what + " in " + shown);
  }
}
