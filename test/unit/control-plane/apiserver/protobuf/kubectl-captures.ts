/**
 * Request bodies the real kubectl 1.32 sent (captured with `kubectl -v=9`, which hex-dumps them),
 * each with the JSON kubectl prints for the same command with `--dry-run=client -o json`: the Go
 * object's encoding/json form, which the decoder must reproduce (minus null members). auth can-i and
 * auth whoami have no dry-run; their JSON is the Go encoding of the objects they send.
 */

export interface KubectlCapture {
  command: string;
  /** The body: `k8s\0` + runtime.Unknown, as hex. */
  body: string;
  /** The JSON form of the object sent. */
  json: string;
}

export const KUBECTL_CAPTURES: KubectlCapture[] = [
  {
    command: 'kubectl create namespace demo',
    body: '6b3873000a0f0a02763112094e616d657370616365121c0a140a0464656d6f12001a0022002a0032003800420012001a'
      + '020a001a002200',
    json: '{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"demo","creationTimestamp":null},"spec":{},"status":{}}',
  },
  {
    command: 'kubectl create configmap app-config --from-literal=mode=prod --from-literal=level=3',
    body: '6b3873000a0f0a0276311209436f6e6669674d617012360a1a0a0a6170702d636f6e66696712001a0022002a00320038'
      + '004200120a0a056c6576656c120133120c0a046d6f6465120470726f641a002200',
    json: '{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"app-config","creationTimestamp":null},"data":{"level":"3","mode":"prod"}}',
  },
  {
    command: 'kubectl create secret generic creds --from-literal=user=admin --from-literal=password=s3cr=t',
    body: '6b3873000a0c0a0276311206536563726574123c0a150a05637265647312001a0022002a0032003800420012120a0870'
      + '617373776f72641206733363723d74120d0a0475736572120561646d696e1a001a002200',
    json: '{"kind":"Secret","apiVersion":"v1","metadata":{"name":"creds","creationTimestamp":null},"data":{"password":"czNjcj10","user":"YWRtaW4="}}',
  },
  {
    command: 'kubectl create deployment web --image=nginx:1.27 --replicas=2 --port=80',
    body: '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412bd010a1f0a0377656212001a0022002a00320038'
      + '0042005a0a0a036170701203776562128b010802120c0a0a0a0361707012037765621a710a1c0a0012001a0022002a00'
      + '3200380042005a0a0a036170701203776562125112330a056e67696e78120a6e67696e783a312e32372a00320a0a0010'
      + '00185022002a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a'
      + '0100c2010022020a00280038001a0c0800100018002000280038001a002200',
    json: '{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"web","creationTimestamp":null,"labels":{"app":"web"}},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"creationTimestamp":null,"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.27","ports":[{"containerPort":80}],"resources":{}}]}},"strategy":{}},"status":{}}',
  },
  {
    command: 'kubectl create service clusterip web --tcp=80:8080',
    body: '6b3873000a0d0a02763112075365727669636512690a1f0a0377656212001a0022002a003200380042005a0a0a036170'
      + '70120377656212420a1b0a0738302d38303830120354435018502207080010903f1a002800120a0a0361707012037765'
      + '621a002209436c757374657249503a00420052005a00600068001a020a001a002200',
    json: '{"kind":"Service","apiVersion":"v1","metadata":{"name":"web","creationTimestamp":null,"labels":{"app":"web"}},"spec":{"ports":[{"name":"80-8080","protocol":"TCP","port":80,"targetPort":8080}],"selector":{"app":"web"},"type":"ClusterIP"},"status":{"loadBalancer":{}}}',
  },
  {
    command: 'kubectl create service nodeport np --tcp=80:http --node-port=30080',
    body: '6b3873000a0d0a027631120753657276696365126a0a1d0a026e7012001a0022002a003200380042005a090a03617070'
      + '12026e7012450a200a0738302d6874747012035443501850220a080110001a04687474702880eb0112090a0361707012'
      + '026e701a0022084e6f6465506f72743a00420052005a00600068001a020a001a002200',
    json: '{"kind":"Service","apiVersion":"v1","metadata":{"name":"np","creationTimestamp":null,"labels":{"app":"np"}},"spec":{"ports":[{"name":"80-http","protocol":"TCP","port":80,"targetPort":"http","nodePort":30080}],"selector":{"app":"np"},"type":"NodePort"},"status":{"loadBalancer":{}}}',
  },
  {
    command: 'kubectl create job once --image=busybox -- echo hi',
    body: '6b3873000a0f0a0862617463682f763112034a6f621288010a140a046f6e636512001a0022002a003200380042001266'
      + '32640a100a0012001a0022002a003200380042001250122d0a046f6e6365120762757379626f781a046563686f1a0268'
      + '692a0042006a007200800100880100900100a201001a054e65766572320042004a0052005800600068008201008a0100'
      + '9a0100c201001a082000280030003a001a002200',
    json: '{"kind":"Job","apiVersion":"batch/v1","metadata":{"name":"once","creationTimestamp":null},"spec":{"template":{"metadata":{"creationTimestamp":null},"spec":{"containers":[{"name":"once","image":"busybox","command":["echo","hi"],"resources":{}}],"restartPolicy":"Never"}}},"status":{}}',
  },
  {
    command: 'kubectl create cronjob tick --image=busybox "--schedule=*/5 * * * *" -- date',
    body: '6b3873000a130a0862617463682f7631120743726f6e4a6f6212aa010a140a047469636b12001a0022002a0032003800'
      + '4200128f010a0b2a2f35202a202a202a202a1a002a7e0a140a047469636b12001a0022002a0032003800420012663264'
      + '0a100a0012001a0022002a00320038004200125012290a047469636b120762757379626f781a04646174652a0042006a'
      + '007200800100880100900100a201001a094f6e4661696c757265320042004a0052005800600068008201008a01009a01'
      + '00c201001a001a002200',
    json: '{"kind":"CronJob","apiVersion":"batch/v1","metadata":{"name":"tick","creationTimestamp":null},"spec":{"schedule":"*/5 * * * *","jobTemplate":{"metadata":{"name":"tick","creationTimestamp":null},"spec":{"template":{"metadata":{"creationTimestamp":null},"spec":{"containers":[{"name":"tick","image":"busybox","command":["date"],"resources":{}}],"restartPolicy":"OnFailure"}}}}},"status":{}}',
  },
  {
    command: 'kubectl create quota q --hard=cpu=2,memory=1Gi,pods=10',
    body: '6b3873000a130a027631120d5265736f7572636551756f746112420a110a017112001a0022002a00320038004200122b'
      + '0a0a0a0363707512030a01320a0f0a066d656d6f727912050a033147690a0c0a04706f647312040a0231301a001a0022'
      + '00',
    json: '{"kind":"ResourceQuota","apiVersion":"v1","metadata":{"name":"q","creationTimestamp":null},"spec":{"hard":{"cpu":"2","memory":"1Gi","pods":"10"}},"status":{}}',
  },
  {
    command: 'kubectl create role reader --verb=get,list --resource=pods',
    body: '6b3873000a240a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f76311204526f6c65122d0a160a06'
      + '72656164657212001a0022002a0032003800420012130a036765740a046c69737412001a04706f64731a002200',
    json: '{"kind":"Role","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"reader","creationTimestamp":null},"rules":[{"verbs":["get","list"],"apiGroups":[""],"resources":["pods"]}]}',
  },
  {
    command: 'kubectl create rolebinding rb --role=reader --user=alice --serviceaccount=default:sa',
    body: '6b3873000a2b0a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f7631120b526f6c6542696e64696e'
      + '67128c010a120a02726212001a0022002a00320038004200122a0a04557365721219726261632e617574686f72697a61'
      + '74696f6e2e6b38732e696f1a05616c6963652200121f0a0e536572766963654163636f756e7412001a02736122076465'
      + '6661756c741a290a19726261632e617574686f72697a6174696f6e2e6b38732e696f1204526f6c651a06726561646572'
      + '1a002200',
    json: '{"kind":"RoleBinding","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"rb","creationTimestamp":null},"subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"alice"},{"kind":"ServiceAccount","name":"sa","namespace":"default"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"reader"}}',
  },
  {
    command: 'kubectl create serviceaccount sa',
    body: '6b3873000a140a027631120e536572766963654163636f756e7412140a120a02736112001a0022002a00320038004200'
      + '1a002200',
    json: '{"kind":"ServiceAccount","apiVersion":"v1","metadata":{"name":"sa","creationTimestamp":null}}',
  },
  {
    command: 'kubectl create priorityclass hi --value=1000 --description=important',
    body: '6b3873000a250a147363686564756c696e672e6b38732e696f2f7631120d5072696f72697479436c617373123a0a120a'
      + '02686912001a0022002a0032003800420010e80718002209696d706f7274616e742a14507265656d70744c6f77657250'
      + '72696f726974791a002200',
    json: '{"kind":"PriorityClass","apiVersion":"scheduling.k8s.io/v1","metadata":{"name":"hi","creationTimestamp":null},"value":1000,"description":"important","preemptionPolicy":"PreemptLowerPriority"}',
  },
  {
    command: 'kubectl create poddisruptionbudget pdb --selector=app=web --min-available=1',
    body: '6b3873000a200a09706f6c6963792f76311213506f6444697372757074696f6e42756467657412390a130a0370646212'
      + '001a0022002a0032003800420012160a06080010011a00120c0a0a0a0361707012037765621a0a080018002000280030'
      + '001a002200',
    json: '{"kind":"PodDisruptionBudget","apiVersion":"policy/v1","metadata":{"name":"pdb","creationTimestamp":null},"spec":{"minAvailable":1,"selector":{"matchLabels":{"app":"web"}}},"status":{"disruptionsAllowed":0,"currentHealthy":0,"desiredHealthy":0,"expectedPods":0}}',
  },
  {
    command: 'kubectl create ingress ing --rule=foo.com/bar=svc1:8080',
    body: '6b3873000a1f0a146e6574776f726b696e672e6b38732e696f2f76311207496e6772657373124a0a130a03696e671200'
      + '1a0022002a00320038004200122f1a2d0a07666f6f2e636f6d12220a200a1e0a042f626172120f220d0a047376633112'
      + '050a0010903f1a0545786163741a020a001a002200',
    json: '{"kind":"Ingress","apiVersion":"networking.k8s.io/v1","metadata":{"name":"ing","creationTimestamp":null},"spec":{"rules":[{"host":"foo.com","http":{"paths":[{"path":"/bar","pathType":"Exact","backend":{"service":{"name":"svc1","port":{"number":8080}}}}]}}]},"status":{"loadBalancer":{}}}',
  },
  {
    command: 'kubectl create clusterrole cr --verb=get --resource=nodes',
    body: '6b3873000a2b0a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f7631120b436c7573746572526f6c'
      + '6512240a120a02637212001a0022002a00320038004200120e0a0367657412001a056e6f6465731a002200',
    json: '{"kind":"ClusterRole","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"cr","creationTimestamp":null},"rules":[{"verbs":["get"],"apiGroups":[""],"resources":["nodes"]}]}',
  },
  {
    command: 'kubectl auth can-i get pods',
    body: '6b3873000a320a17617574686f72697a6174696f6e2e6b38732e696f2f7631121753656c665375626a65637441636365'
      + '7373526576696577123c0a100a0012001a0022002a00320038004200121e0a1c0a0764656661756c7412036765741a00'
      + '22002a04706f647332003a001a08080012001a0020001a002200',
    json: '{"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{"creationTimestamp":null},"spec":{"resourceAttributes":{"namespace":"default","verb":"get","resource":"pods"}},"status":{"allowed":false}}',
  },
  {
    command: 'kubectl auth whoami',
    body: '6b3873000a2d0a1861757468656e7469636174696f6e2e6b38732e696f2f7631121153656c665375626a656374526576'
      + '696577121a0a100a0012001a0022002a0032003800420012060a040a0012001a002200',
    json: '{"kind":"SelfSubjectReview","apiVersion":"authentication.k8s.io/v1","metadata":{"creationTimestamp":null},"status":{"userInfo":{}}}',
  },
];
