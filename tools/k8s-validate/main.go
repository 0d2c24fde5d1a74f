// Command k8s-validate checks rendered Kubernetes manifests offline: it reads multi-document
// YAML on stdin (e.g. `kubectl kustomize k8s/overlays/prod | .baton/bin/k8s-validate`) and
// decodes every object strictly into the real API types of client-go's scheme plus the
// prometheus-operator monitoring/v1 types (ServiceMonitor, PodMonitor, ...).
//
// Strict means: a field the type does not have, a field given twice, or a value of the wrong
// type is an error, and so is a kind the scheme does not know. That is what the API server
// would refuse (or, for unknown fields, silently drop) at apply time, found without a cluster.
// It does not run the API server's semantic validation (that code is not a library).
//
// Output: one line per object on stdout (`ok apps/v1 Deployment baton-dev/scheduler`), one line
// per problem on stderr (`error: doc 3 apps/v1 Deployment scheduler: unknown field ...`), and
// exit status 1 when there was any problem (2 for a usage or read error).
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/yaml"
)

// header is what is needed to name an object in a message, even when strict decoding fails.
type header struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
}

func (h header) String() string {
	name := h.Metadata.Name
	if name == "" {
		name = "(no name)"
	}
	if h.Metadata.Namespace != "" {
		name = h.Metadata.Namespace + "/" + name
	}
	api, kind := h.APIVersion, h.Kind
	if api == "" {
		api = "(no apiVersion)"
	}
	if kind == "" {
		kind = "(no kind)"
	}
	return api + " " + kind + " " + name
}

func newDecoder() runtime.Decoder {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, monitoringv1.AddToScheme} {
		if err := add(scheme); err != nil {
			panic(err)
		}
	}
	return json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme, scheme,
		json.SerializerOptions{Yaml: true, Strict: true})
}

// validate returns the problems of one YAML document (nil when it decodes strictly).
func validate(dec runtime.Decoder, doc []byte) (header, []string) {
	var h header
	if err := yaml.Unmarshal(doc, &h); err != nil {
		return h, []string{"not a YAML object: " + err.Error()}
	}
	var problems []string
	if h.Metadata.Name == "" {
		problems = append(problems, "metadata.name is empty")
	}
	_, _, err := dec.Decode(doc, nil, nil)
	if err == nil {
		return h, problems
	}
	strict, isStrict := runtime.AsStrictDecodingError(err)
	switch {
	case isStrict:
		for _, e := range strict.Errors() {
			problems = append(problems, e.Error())
		}
	case runtime.IsNotRegisteredError(err):
		problems = append(problems, "unknown kind (not in client-go's scheme nor monitoring.coreos.com/v1): "+err.Error())
	case runtime.IsMissingKind(err), runtime.IsMissingVersion(err):
		problems = append(problems, "apiVersion and kind are required")
	default:
		problems = append(problems, err.Error())
	}
	return h, problems
}

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintln(os.Stderr, "usage: kubectl kustomize DIR | k8s-validate   (multi-document YAML on stdin)")
		os.Exit(2)
	}
	dec := newDecoder()
	reader := utilyaml.NewYAMLReader(bufio.NewReader(os.Stdin))
	objects, failed := 0, 0
	for n := 1; ; n++ {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "error: reading document %d: %v\n", n, err)
			os.Exit(2)
		}
		if strings.TrimSpace(stripComments(string(doc))) == "" {
			continue
		}
		objects++
		h, problems := validate(dec, doc)
		if len(problems) == 0 {
			fmt.Printf("ok %s\n", h)
			continue
		}
		failed++
		for _, p := range problems {
			// One line per problem, so each names its object.
			p = strings.Join(strings.Fields(strings.ReplaceAll(p, "\n", "; ")), " ")
			fmt.Fprintf(os.Stderr, "error: doc %d %s: %s\n", n, h, p)
		}
	}
	if objects == 0 {
		fmt.Fprintln(os.Stderr, "error: no objects on stdin")
		os.Exit(1)
	}
	if failed > 0 {
		fmt.Fprintf(os.Stderr, "%d of %d objects failed strict validation\n", failed, objects)
		os.Exit(1)
	}
}

// stripComments drops full-line comments and the document marker, so a document holding only
// those counts as empty.
func stripComments(doc string) string {
	var b strings.Builder
	for _, line := range strings.Split(doc, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "#") || t == "---" {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}
