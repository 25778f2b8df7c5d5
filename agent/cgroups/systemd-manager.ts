/**
 * What pod cgroups need of systemd under Docker's systemd cgroup driver, over D-Bus through
 * `busctl` (part of systemd; no native D-Bus binding needed): transient slices with resource
 * properties, as the kubelet makes its pod slices (StartTransientUnit), their properties changed
 * at runtime (SetUnitProperties), and stopping them once empty (StopUnit).
 */
import { runChecked, type CommandRunner } from '../network/command-runner';

export interface UnitProperty {
  name: string;
  /** D-Bus signature: uint64, boolean or string. */
  type: 't' | 'b' | 's';
  value: bigint | boolean | string;
}

export interface SystemdManager {
  /** The manager's version (`252.39-1~deb12u1`): also proves that the bus answers. */
  version(): Promise<string>;
  /**
   * Starts `name` as a transient slice with `properties` (and, as the kubelet's slices, without
   * default dependencies); when the unit exists already, sets the properties on it (runtime only).
   */
  ensureSlice(name: string, properties: UnitProperty[]): Promise<void>;
  /** Stops the unit; one that is not loaded is fine. */
  stopUnit(name: string): Promise<void>;
}

const DEST = ['org.freedesktop.systemd1', '/org/freedesktop/systemd1', 'org.freedesktop.systemd1.Manager'];
/** StartTransientUnit on a unit systemd knows already: `Unit x.slice was already loaded or has a fragment file.` */
const UNIT_EXISTS = /already (exists|loaded)|UnitExists/i;
const NOT_LOADED = /not loaded|NoSuchUnit/i;

/** busctl's argument list for an `a(sv)`: the count, then name, signature and value of each. */
export function propertyArgs(properties: UnitProperty[]): string[] {
  return [String(properties.length), ...properties.flatMap((p) => [p.name, p.type, String(p.value)])];
}

export class BusctlSystemdManager implements SystemdManager {
  constructor(private readonly run: CommandRunner) {}

  async version(): Promise<string> {
    const out = await runChecked(this.run, 'busctl', ['get-property', ...DEST, 'Version']);
    return /^s "(.*)"\s*$/.exec(out.trim())?.[1] ?? out.trim();
  }

  async ensureSlice(name: string, properties: UnitProperty[]): Promise<void> {
    try {
      const creation: UnitProperty[] = [{ name: 'Description', type: 's', value: `pikube ${name}` }, { name: 'DefaultDependencies', type: 'b', value: false }];
      await this.call('StartTransientUnit', 'ssa(sv)a(sa(sv))', [name, 'replace', ...propertyArgs([...creation, ...properties]), '0']);
    } catch (err) {
      if (!UNIT_EXISTS.test((err as Error).message)) throw err;
      await this.call('SetUnitProperties', 'sba(sv)', [name, 'true', ...propertyArgs(properties)]);
    }
  }

  async stopUnit(name: string): Promise<void> {
    try {
      await this.call('StopUnit', 'ss', [name, 'replace']);
    } catch (err) {
      if (!NOT_LOADED.test((err as Error).message)) throw err;
    }
  }

  private async call(method: string, signature: string, args: string[]): Promise<void> {
    await runChecked(this.run, 'busctl', ['call', ...DEST, method, signature, ...args]);
  }
}
