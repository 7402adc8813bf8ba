{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "mlpipe.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* release-chart, or the release name alone when it already contains the chart name. */}}
{{- define "mlpipe.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "mlpipe.selectorLabels" -}}
app.kubernetes.io/name: {{ include "mlpipe.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "mlpipe.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "mlpipe.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: agent
app.kubernetes.io/part-of: mlpipe
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "mlpipe.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "mlpipe.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "mlpipe.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* Whether the pods mount a Secret with the web config and/or tokens: the chart's or an existing one. */}}
{{- define "mlpipe.secretName" -}}
{{- if .Values.existingSecret.name }}
{{- .Values.existingSecret.name }}
{{- else if include "mlpipe.createSecret" . }}
{{- include "mlpipe.fullname" . }}
{{- end }}
{{- end }}

{{/* Non-empty when the chart creates its own Secret. */}}
{{- define "mlpipe.createSecret" -}}
{{- if and (not .Values.existingSecret.name) (or .Values.webConfig .Values.tokens .Values.tls.enabled) }}true{{ end }}
{{- end }}

{{/* Key of the web config in the mounted Secret; empty when there is none. */}}
{{- define "mlpipe.webConfigKey" -}}
{{- if .Values.existingSecret.name }}
{{- .Values.existingSecret.webConfigKey }}
{{- else if or .Values.webConfig .Values.tls.enabled }}web.yml
{{- end }}
{{- end }}

{{/* Key of the tokens file in the mounted Secret; empty when there is none. */}}
{{- define "mlpipe.tokensKey" -}}
{{- if .Values.existingSecret.name }}
{{- .Values.existingSecret.tokensKey }}
{{- else if .Values.tokens }}tokens.yml
{{- end }}
{{- end }}

{{/* The web config the chart generates: webConfig plus tls_server_config for tls.enabled. */}}
{{- define "mlpipe.webConfig" -}}
{{- $web := deepCopy .Values.webConfig }}
{{- if .Values.tls.enabled }}
{{- $tls := merge (dict "cert_file" "../tls/tls.crt" "key_file" "../tls/tls.key") (deepCopy .Values.tls.serverConfig) }}
{{- $_ := set $web "tls_server_config" $tls }}
{{- end }}
{{- toYaml $web }}
{{- end }}

{{/*
The agent config: config from values, plus auth.tokens_file when there are tokens. The tokens
file is named relative to the config (the agent resolves it from the config's directory), so
the same file works in the pod and wherever the mounts are reproduced.
*/}}
{{- define "mlpipe.config" -}}
{{- $config := deepCopy .Values.config }}
{{- if include "mlpipe.tokensKey" . }}
{{- $auth := deepCopy (default (dict) $config.auth) }}
{{- $_ := set $auth "tokens_file" (printf "../secret/%s" (include "mlpipe.tokensKey" .)) }}
{{- $_ := set $config "auth" $auth }}
{{- end }}
{{- if $config }}
{{- toYaml $config }}
{{- else }}
{}
{{- end }}
{{- end }}

{{- define "mlpipe.scheme" -}}
{{- if .Values.tls.enabled }}https{{ else }}http{{ end }}
{{- end }}
