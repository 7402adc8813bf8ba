package io.mlpipe.ingest;

import io.mlpipe.store.MetricType;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the delimited protobuf push format ({@code application/vnd.google.protobuf;
 * proto=io.prometheus.client.MetricFamily; encoding=delimited}) with the protobuf classes that ship
 * inside client_java's exposition-formats, into the same {@link ParsedFamily} model as the text
 * format, so one converter validates both.
 */
public final class ProtobufParser {

  private ProtobufParser() {}

  public static List<ParsedFamily> parse(byte[] body) throws BadRequestException {
    List<ParsedFamily> out = new ArrayList<>();
    ByteArrayInputStream in = new ByteArrayInputStream(body);
    int index = 0;
    while (true) {
      Metrics.MetricFamily mf;
      try {
        mf = Metrics.MetricFamily.parseDelimitedFrom(in);
      } catch (IOException e) {
        throw new BadRequestException(
            "protobuf parsing error in metric family " + (index + 1) + ": " + e.getMessage());
      }
      if (mf == null) {
        return out;
      }
      index++;
      out.add(family(mf, index));
    }
  }

  private static ParsedFamily family(Metrics.MetricFamily mf, int index)
      throws BadRequestException {
    String name = mf.getName();
    if (!MetricNames.isValidMetricName(name)) {
      throw new BadRequestException(
          "protobuf metric family " + index + ": invalid metric name \"" + name + "\"");
    }
    MetricType type =
        switch (mf.getType()) {
          case COUNTER -> MetricType.COUNTER;
          case GAUGE -> MetricType.GAUGE;
          case UNTYPED -> MetricType.UNTYPED;
          case HISTOGRAM -> MetricType.HISTOGRAM;
          case SUMMARY -> MetricType.SUMMARY;
          default ->
              throw new BadRequestException(
                  "metric family \"" + name + "\": type " + mf.getType() + " is not supported");
        };
    ParsedFamily f = ParsedFamily.start(name, type, mf.hasHelp() ? mf.getHelp() : null);
    for (Metrics.Metric m : mf.getMetricList()) {
      if (m.hasTimestampMs() && m.getTimestampMs() != 0) {
        throw new BadRequestException(
            400,
            BadRequestException.TIMESTAMP,
            "pushed metrics must not have timestamps (metric family \"" + name + "\")");
      }
      Map<String, String> labels = new LinkedHashMap<>();
      for (Metrics.LabelPair lp : m.getLabelList()) {
        if (!MetricNames.isValidLabelName(lp.getName())) {
          throw new BadRequestException(
              "metric family \"" + name + "\": invalid label name \"" + lp.getName() + "\"");
        }
        if (labels.put(lp.getName(), lp.getValue()) != null) {
          throw new BadRequestException(
              "metric family \"" + name + "\": duplicate label name \"" + lp.getName() + "\"");
        }
      }
      switch (type) {
        case COUNTER -> add(f, name, labels, m.getCounter().getValue());
        case GAUGE -> add(f, name, labels, m.getGauge().getValue());
        case UNTYPED -> add(f, name, labels, m.getUntyped().getValue());
        case SUMMARY -> {
          Metrics.Summary s = m.getSummary();
          for (Metrics.Quantile q : s.getQuantileList()) {
            add(f, name, with(labels, "quantile", format(q.getQuantile())), q.getValue());
          }
          add(f, name + "_sum", labels, s.getSampleSum());
          add(f, name + "_count", labels, s.getSampleCount());
        }
        case HISTOGRAM -> {
          Metrics.Histogram h = m.getHistogram();
          if (h.getBucketCount() == 0
              && (h.getPositiveSpanCount() > 0 || h.getNegativeSpanCount() > 0 || h.hasSchema())) {
            throw new BadRequestException(
                "metric family \""
                    + name
                    + "\": native histograms are not supported, push classic buckets");
          }
          for (Metrics.Bucket b : h.getBucketList()) {
            double count =
                b.hasCumulativeCountFloat() ? b.getCumulativeCountFloat() : b.getCumulativeCount();
            add(f, name + "_bucket", with(labels, "le", format(b.getUpperBound())), count);
          }
          add(f, name + "_sum", labels, h.getSampleSum());
          add(
              f,
              name + "_count",
              labels,
              h.hasSampleCountFloat() ? h.getSampleCountFloat() : h.getSampleCount());
        }
      }
    }
    return f;
  }

  private static void add(ParsedFamily f, String sampleName, Map<String, String> labels, double v) {
    f.samples().add(new ParsedFamily.Sample(sampleName, labels, v, 0));
  }

  private static Map<String, String> with(Map<String, String> labels, String name, String value) {
    Map<String, String> m = new LinkedHashMap<>(labels);
    m.put(name, value);
    return m;
  }

  private static String format(double d) {
    if (d == Double.POSITIVE_INFINITY) {
      return "+Inf";
    }
    return Double.toString(d);
  }
}
