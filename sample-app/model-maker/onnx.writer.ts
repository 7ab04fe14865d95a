import { ProtoWriter } from './protobuf.writer';
import type { MlpWeights } from './mlp.trainer';

// Field numbers and enum values of onnx.proto (ONNX IR), for the messages written here.
const MODEL = { irVersion: 1, producerName: 2, producerVersion: 3, docString: 6, graph: 7, opset: 8, metadata: 14 };
const GRAPH = { node: 1, name: 2, initializer: 5, input: 11, output: 12 };
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5 };
const ATTRIBUTE = { name: 1, i: 3, type: 20, typeInt: 2 };
const TENSOR = { dims: 1, dataType: 2, name: 8, rawData: 9, float: 1 };
const IR_VERSION = 8;
const OPSET = 13;

/** Names of the model's input and output, and what the model says about itself. */
export interface OnnxModelInfo {
  input: string;
  output: string;
  docString: string;
  /** `metadata_props`: how the model was made (data, sizes, accuracy). */
  metadata: Record<string, string>;
}

/**
 * Encodes a one-hidden-layer perceptron as an ONNX model (IR 8, opset 13):
 * `Softmax(Relu(x · W1 + b1) · W2 + b2)` with `x` of shape `[batch, inputs]`, `batch` left
 * symbolic so that one run takes any number of rows.
 */
export function encodeMlpModel(weights: MlpWeights, info: OnnxModelInfo): Uint8Array {
  const { inputs, hidden, classes } = weights;
  const model = new ProtoWriter()
    .int(MODEL.irVersion, IR_VERSION)
    .string(MODEL.producerName, 'nestjs-serve sample-app/model-maker')
    .string(MODEL.producerVersion, '1')
    .string(MODEL.docString, info.docString)
    .message(MODEL.opset, (w) => w.string(1, '').int(2, OPSET));
  model.message(MODEL.graph, (g) => {
    g.string(GRAPH.name, 'sentiment_mlp');
    node(g, 'Gemm', [info.input, 'W1', 'b1'], ['hidden_linear']);
    node(g, 'Relu', ['hidden_linear'], ['hidden']);
    node(g, 'Gemm', ['hidden', 'W2', 'b2'], ['logits']);
    node(g, 'Softmax', ['logits'], [info.output], { axis: 1 });
    tensor(g, 'W1', [inputs, hidden], weights.w1);
    tensor(g, 'b1', [hidden], weights.b1);
    tensor(g, 'W2', [hidden, classes], weights.w2);
    tensor(g, 'b2', [classes], weights.b2);
    valueInfo(g, GRAPH.input, info.input, ['batch', inputs]);
    valueInfo(g, GRAPH.output, info.output, ['batch', classes]);
  });
  for (const [key, value] of Object.entries(info.metadata)) {
    model.message(MODEL.metadata, (w) => w.string(1, key).string(2, value));
  }
  return model.finish();
}

function node(
  graph: ProtoWriter,
  opType: string,
  inputs: string[],
  outputs: string[],
  ints: Record<string, number> = {},
): void {
  graph.message(GRAPH.node, (w) => {
    for (const input of inputs) w.string(NODE.input, input);
    for (const output of outputs) w.string(NODE.output, output);
    w.string(NODE.name, `${opType}_${outputs[0]}`).string(NODE.opType, opType);
    for (const [name, value] of Object.entries(ints)) {
      w.message(NODE.attribute, (a) =>
        a.string(ATTRIBUTE.name, name).int(ATTRIBUTE.i, value).int(ATTRIBUTE.type, ATTRIBUTE.typeInt),
      );
    }
  });
}

function tensor(graph: ProtoWriter, name: string, dims: number[], values: Float32Array): void {
  if (values.length !== dims.reduce((a, b) => a * b, 1)) {
    throw new Error(`tensor ${name}: ${values.length} values do not fill dims [${dims.join(', ')}]`);
  }
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  graph.message(GRAPH.initializer, (w) => {
    for (const dim of dims) w.int(TENSOR.dims, dim);
    w.int(TENSOR.dataType, TENSOR.float).string(TENSOR.name, name).bytes(TENSOR.rawData, raw);
  });
}

/** A graph input or output: a float tensor whose dims are numbers or symbolic names. */
function valueInfo(graph: ProtoWriter, field: number, name: string, dims: (number | string)[]): void {
  graph.message(field, (v) =>
    v.string(1, name).message(2, (type) =>
      type.message(1, (t) =>
        t.int(1, TENSOR.float).message(2, (shape) => {
          for (const dim of dims) shape.message(1, (d) => (typeof dim === 'number' ? d.int(1, dim) : d.string(2, dim)));
        }),
      ),
    ),
  );
}
