'use strict';
// docker-modem loads ssh2 for ssh:// Docker hosts. pikube talks to Docker over its unix socket
// (--docker-host unix://…) and refuses other hosts, so ssh2 is left out: using it says so.
class Client {
  constructor() {
    throw new Error('ssh:// Docker hosts are not supported by pikube (ssh2 is left out of its dependencies: it carries native addons)');
  }
}
module.exports = { Client };
