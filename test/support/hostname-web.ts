/**
 * The pod template spec the e2e workloads share (YAML, indented to sit under `template:`): one
 * busybox httpd container answering its pod's hostname on 8080, ready by an HTTP probe every
 * second, gone within 1 s of a delete.
 */
export const HOSTNAME_WEB_POD_SPEC = `    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: web
          image: pikube/busybox:latest
          imagePullPolicy: IfNotPresent
          command: ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www"]
          readinessProbe:
            httpGet: { path: /, port: 8080 }
            periodSeconds: 1
`;
