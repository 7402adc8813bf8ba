// Small panel shorthands used by several dashboards.
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DashboardLinkBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { Query, panel } from './common.js';

export interface SeriesOptions {
  title: string;
  description: string;
  unit: string;
  queries: Query[];
  w?: number;
  h?: number;
  links?: DashboardLinkBuilder[];
}

/** A time series panel, 12 wide and 8 high unless told. */
export function series(o: SeriesOptions): timeseries.PanelBuilder {
  return panel(new timeseries.PanelBuilder(), { w: 12, h: 8, ...o });
}

/** A table of instant queries; the Time column hidden, `Value #X` columns renamed. */
export function instantTable(o: SeriesOptions & { columns?: string[] }): table.PanelBuilder {
  const rename: Record<string, string> = {};
  if (o.queries.length === 1 && o.columns) rename['Value'] = o.columns[0];
  else (o.columns ?? []).forEach((c, i) => (rename[`Value #${String.fromCharCode(65 + i)}`] = c));
  let t = panel(new table.PanelBuilder(), {
    w: 12,
    h: 8,
    ...o,
    queries: o.queries.map((q) => ({ ...q, table: true })),
  });
  if (o.queries.length > 1) t = t.withTransformation({ id: 'merge', options: {} });
  return t.withTransformation({
    id: 'organize',
    options: { excludeByName: { Time: true }, renameByName: rename },
  });
}
