import { Backend, Endpoint, Multiplexed, type ServeRequest } from '../src';
import { labelOf, readText, type SentimentResult } from './sentiment.common';
import { SentimentNNModel } from './sentiment-nn.model';

/** What the demo knows of each customer: how sure the network must be before it calls a text positive or negative. */
export const CUSTOMERS: Readonly<Record<string, { threshold: number }>> = {
  acme: { threshold: 0.1 },
  globex: { threshold: 0.4 },
  initech: { threshold: 0.02 },
  umbrella: { threshold: 0.6 },
};

/** One customer's model, as `load()` returns it and the handler receives it as `request.model`. */
export interface CustomerModel {
  customer: string;
  network: SentimentNNModel;
  threshold: number;
}

/** What `POST /customers/:model/sentiment` answers. */
export interface CustomerSentimentResult extends SentimentResult {
  customer: string;
}

/**
 * One sentiment model per customer (`@Multiplexed`, Ray Serve's `@serve.multiplexed`): each
 * replica keeps at most two customers' models loaded (least recently used out), requests go to a
 * replica that already holds the customer's model, and a customer's first request loads it on one
 * replica only. In this demo every customer's model is its own onnxruntime session of the sample's
 * network with the customer's own threshold; a real deployment points `load()` at each customer's
 * own model file.
 */
@Backend({ numReplicas: 2, replica: 'thread' })
export class CustomerSentiment {
  /** Loads `customer`'s model in this replica; an unknown customer fails the load (503 naming it). */
  @Multiplexed({ maxModelsPerReplica: 2, preload: ['acme'] })
  async load(customer: string): Promise<CustomerModel> {
    const profile = CUSTOMERS[customer];
    if (!profile)
      throw new Error(`no model for customer '${customer}': the demo has ${Object.keys(CUSTOMERS).join(', ')}`);
    const network = new SentimentNNModel(`CustomerSentiment/${customer}`);
    await network.ready();
    return { customer, network, threshold: profile.threshold };
  }

  /** Scores `{ "text": "..." }` with the customer's model: `/customers/acme/sentiment`. */
  @Endpoint({ route: '/customers/:model/sentiment', methods: ['POST'], name: 'customer-sentiment' })
  async score(request: ServeRequest<unknown, CustomerModel>): Promise<CustomerSentimentResult> {
    const text = readText(request.body);
    const model = request.model!;
    const [score] = await model.network.predict([text]);
    return { customer: model.customer, score, label: labelOf(score, model.threshold), version: 'nn' };
  }
}
