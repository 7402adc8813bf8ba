package io.mlpipe.event;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of each {@link Payload} record as the wire names them: a component's name in
 * snake_case ({@code durationSeconds} is {@code duration_seconds}), in the component order, with
 * its {@link Field} rule. The one place a field's wire name comes from, for the writer ({@link
 * EventJson}), the agent's parser and {@code mlpipe push}. Plain reflection rather than Jackson's
 * databind, whose introspection would add ~100 ms of CPU to every wrapped command's start.
 */
public final class Wire {

  /** One field: its wire name, its record component and its rule. */
  public record FieldSpec(String name, RecordComponent component, Field rule) {

    /** The field's Java type ({@code Double}, {@code String}, an enum, {@code Map}). */
    public Class<?> type() {
      return component.getType();
    }
  }

  /** One field as the writer needs it: its wire name and its record component, no rule. */
  record Named(String name, RecordComponent component) {

    Object get(Payload p) {
      try {
        return component.getAccessor().invoke(p);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException(e); // a record's public accessor
      }
    }
  }

  // Apart from FIELDS: reading a rule makes the JDK define a proxy class for the @Field annotation
  // (and a dynamic module for it), ~30 ms that mlpipe run paid before exiting for a record whose
  // rules the writer never looks at.
  private static final ClassValue<List<Named>> NAMES =
      new ClassValue<>() {
        @Override
        protected List<Named> computeValue(Class<?> type) {
          List<Named> out = new ArrayList<>();
          for (RecordComponent c : type.getRecordComponents()) {
            out.add(new Named(snakeCase(c.getName()), c));
          }
          return List.copyOf(out);
        }
      };

  private static final ClassValue<List<FieldSpec>> FIELDS =
      new ClassValue<>() {
        @Override
        protected List<FieldSpec> computeValue(Class<?> type) {
          List<FieldSpec> out = new ArrayList<>();
          for (Named n : NAMES.get(type)) {
            Field rule = n.component().getAnnotation(Field.class);
            if (rule == null) {
              throw new IllegalStateException(type.getName() + "." + n.name() + ": no @Field");
            }
            out.add(new FieldSpec(n.name(), n.component(), rule));
          }
          return List.copyOf(out);
        }
      };

  private Wire() {}

  /** The fields of {@code type}'s payload, in order. */
  public static List<FieldSpec> fields(Event.Type type) {
    return FIELDS.get(type.payload());
  }

  /** The fields of {@code p}'s record with their wire names, in order, for the writer. */
  static List<Named> names(Payload p) {
    return NAMES.get(p.getClass());
  }

  /**
   * The payload of a {@code type} event from its fields by wire name: numbers become {@code
   * Double}, names of an enum's constants that enum.
   *
   * @throws IllegalArgumentException naming the field that is not one of the type's or does not fit
   */
  public static Payload payload(Event.Type type, Map<String, ?> byName) {
    List<FieldSpec> specs = fields(type);
    Map<String, ?> rest = new LinkedHashMap<>(byName);
    Object[] args = new Object[specs.size()];
    Class<?>[] types = new Class<?>[specs.size()];
    for (int i = 0; i < specs.size(); i++) {
      FieldSpec f = specs.get(i);
      types[i] = f.type();
      args[i] = convert(type, f, rest.remove(f.name()));
    }
    if (!rest.isEmpty()) {
      throw new IllegalArgumentException(
          rest.keySet() + " not a field of " + type + " events (" + names(specs) + ")");
    }
    try {
      Constructor<? extends Payload> c = type.payload().getDeclaredConstructor(types);
      return c.newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e); // the canonical constructor of a public record
    }
  }

  private static Object convert(Event.Type type, FieldSpec f, Object v) {
    Class<?> t = f.type();
    if (v == null) {
      if (t.isPrimitive()) {
        throw new IllegalArgumentException(f.name() + " is required for " + type + " events");
      }
      return null;
    }
    if ((t == Double.class || t == double.class) && v instanceof Number n) {
      return n.doubleValue();
    }
    if (t.isEnum() && v instanceof String s) {
      for (Object c : t.getEnumConstants()) {
        if (((Enum<?>) c).name().equals(s)) {
          return c;
        }
      }
    }
    if (t == Map.class && v instanceof Map<?, ?> m) {
      boolean numbers =
          f.component().getGenericType() instanceof ParameterizedType p
              && p.getActualTypeArguments()[1] == Double.class;
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        Object x = e.getValue();
        if (numbers ? !(x instanceof Number) : !(x instanceof String)) {
          throw new IllegalArgumentException(f.name() + "." + e.getKey() + ": " + x);
        }
        out.put(String.valueOf(e.getKey()), numbers ? ((Number) x).doubleValue() : x);
      }
      return out;
    }
    if (t.isInstance(v)) {
      return v;
    }
    throw new IllegalArgumentException(f.name() + " must be a " + t.getSimpleName() + ": " + v);
  }

  private static String names(List<FieldSpec> specs) {
    return String.join(", ", specs.stream().map(FieldSpec::name).toList());
  }

  /** {@code samplesPerSecond} -> {@code samples_per_second}. */
  static String snakeCase(String camel) {
    StringBuilder b = new StringBuilder();
    for (char c : camel.toCharArray()) {
      if (Character.isUpperCase(c)) {
        b.append('_').append(Character.toLowerCase(c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
