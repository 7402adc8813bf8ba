package io.mlpipe.event;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What the events API accepts in one field of a {@link Payload} record: declared on the record
 * component, so that the field's name, Java type and rule are written in one place and the parser
 * ({@code ingest.EventsParser}) reads them from there.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Field {

  Kind value();

  /** Whether an event of this type must carry the field. */
  boolean required() default false;

  /** The rule a field's JSON value follows. */
  enum Kind {
    /** A label value: a non-empty string without control characters. */
    NAME,
    /** Free text of at most 4096 characters. */
    TEXT,
    NON_NEGATIVE,
    /** A whole number of records, at least 0. */
    COUNT,
    /** A ratio, 0..1. */
    RATIO,
    FINITE,
    /** A whole number (an exit code). */
    INTEGER,
    /** One of the constants of the component's enum type, by name. */
    ONE_OF,
    /** Unix seconds or an RFC 3339 time, stored as Unix seconds. */
    TIME,
    /** An object of non-negative whole counts by label value. */
    COUNTS,
    /** An object of numbers (NaN allowed) by label value. */
    FLOATS,
    /** An object of label values by label name. */
    LABELS,
    /** A metric name that is not the agent's own. */
    METRIC_NAME
  }
}
