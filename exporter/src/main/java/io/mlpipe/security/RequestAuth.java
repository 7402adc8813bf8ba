package io.mlpipe.security;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The authenticated identity of one request, put on the request by the HTTP layer, and what the
 * handler found out for the audit log (group, pipelines, counts, a refusal).
 *
 * <pre>{@code
 * RequestAuth auth = RequestAuth.of(req.getAttribute(RequestAuth.ATTRIBUTE));
 * if (!auth.mayWriteGroup(key)) { auth.forbid("job " + job); ... 403 }
 * }</pre>
 */
public final class RequestAuth {

  public static final String ATTRIBUTE = RequestAuth.class.getName();

  private final Identity identity;
  private volatile String group;
  private volatile List<String> pipelines = List.of();
  private volatile int count = -1;
  private volatile String forbidden;

  public RequestAuth(Identity identity) {
    this.identity = identity;
  }

  /** The request's auth, or an open one where none was attached (auth off, unit tests). */
  public static RequestAuth of(Object attribute) {
    return attribute instanceof RequestAuth r ? r : new RequestAuth(Identity.OPEN);
  }

  public Identity identity() {
    return identity;
  }

  public boolean mayWriteGroup(Map<String, String> groupingKey) {
    return identity.mayWriteGroup(groupingKey);
  }

  public boolean mayWritePipeline(String pipeline) {
    return identity.mayWritePipeline(pipeline);
  }

  /** Records that the handler refused the request for lack of rights over {@code what}. */
  public void forbid(String what) {
    this.forbidden = what;
  }

  /** What was refused, or null. */
  public String forbidden() {
    return forbidden;
  }

  public void group(String group) {
    this.group = group;
  }

  public String group() {
    return group;
  }

  public void pipelines(Collection<String> pipelines) {
    this.pipelines = List.copyOf(new TreeSet<>(pipelines));
  }

  public List<String> pipelines() {
    return pipelines;
  }

  /** Series (push API) or events (events API) in the request. */
  public void count(int count) {
    this.count = count;
  }

  public int count() {
    return count;
  }
}
