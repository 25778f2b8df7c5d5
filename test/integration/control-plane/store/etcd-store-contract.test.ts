import { describeStoreContract } from '../../../support/store-contract';
import { withEtcd } from '../../../support/etcd-fixture';

describe('EtcdStore on a real etcd', () => {
  const etcd = withEtcd();
  describeStoreContract('EtcdStore', () => ({
    store: etcd.get().store(),
    prefix: etcd.get().keySpace().prefix,
    compact: async (revision) => void (await etcd.get().client().kv.compact({ revision: String(revision), physical: true })),
  }));
});
