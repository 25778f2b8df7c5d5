/**
 * The agent's copy of the ConfigMaps and Secrets its pods reference, from the object feed
 * (the control plane's node view sends exactly those, and removes one when no pod of the node
 * uses it any more). Like the desired pods it outlives sessions: while the control plane is
 * away, containers that restart still get their environment and volumes keep their files.
 * After each batch, `onChanged` hears which keys (`namespace/name`) changed, so the pods that
 * use them are woken at once (a pod waiting for its ConfigMap starts, a volume is updated).
 */
import type { ConfigMap, Secret } from '../api/config-v1';
import type { KubeObject } from '../api/meta';
import type { FeedBatch, ObjectChange } from './feed/feed-batch';
import { CONFIG_MAPS, SECRETS } from './feed/feed-kinds';
import type { FeedConsumer } from './feed/object-dispatcher';
import { ObjectSet } from './feed/object-set';

/** Where a pod's env and volumes read ConfigMaps and Secrets; undefined: not (or not yet) on this node. */
export interface ConfigSource {
  configMap(namespace: string, name: string): ConfigMap | undefined;
  secret(namespace: string, name: string): Secret | undefined;
}

export interface ConfigChange {
  configMaps: string[];
  secrets: string[];
}

/** The versions of an object set by key, to tell what a batch changed. */
function versions<T extends KubeObject>(set: ObjectSet<T>): Map<string, string> {
  return new Map(set.list().map((o) => [`${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`, `${o.metadata.uid ?? ''}/${o.metadata.resourceVersion ?? JSON.stringify(o)}`]));
}

function changedKeys(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((key) => before.get(key) !== after.get(key)).sort();
}

export class ConfigObjects implements ConfigSource {
  private readonly configMaps = new ObjectSet<ConfigMap>();
  private readonly secrets = new ObjectSet<Secret>();

  constructor(private readonly onChanged: (change: ConfigChange) => void = () => undefined) {}

  configMap(namespace: string, name: string): ConfigMap | undefined {
    return this.configMaps.get(`${namespace}/${name}`);
  }

  secret(namespace: string, name: string): Secret | undefined {
    return this.secrets.get(`${namespace}/${name}`);
  }

  /** The feed consumer of both kinds. */
  consumer(): FeedConsumer {
    return { name: 'config', kinds: [CONFIG_MAPS, SECRETS], apply: (batch) => this.apply(batch) };
  }

  apply(batch: FeedBatch): void {
    const change = { configMaps: applied(this.configMaps, batch.of(CONFIG_MAPS)), secrets: applied(this.secrets, batch.of(SECRETS)) };
    if (change.configMaps.length + change.secrets.length > 0) this.onChanged(change);
  }
}

function applied<T extends KubeObject>(set: ObjectSet<T>, change: ObjectChange<T> | undefined): string[] {
  if (!change) return [];
  const before = versions(set);
  set.apply(change);
  return changedKeys(before, versions(set));
}

