package io.mlpipe.collector;

import java.util.function.Function;

/**
 * A collector's registration: its name (the {@code NAME} in {@code --collector.NAME} and {@code
 * --no-collector.NAME}), whether it runs by default, and how to build it.
 */
public record CollectorSpec(
    String name,
    boolean enabledByDefault,
    String description,
    Function<CollectorContext, Collector> factory) {}
