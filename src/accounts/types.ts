import type { Owner } from '../customers/index.ts';

/** A customer's account that cards hang off (seed 004): one currency, any number of cards within policy. */
export interface Account {
  id: string;
  merchantId: string;
  mode: Owner['mode'];
  customerId: string;
  currency: string;
  createdAt: Date;
}
