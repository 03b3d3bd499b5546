import { createTesseraClient, unwrap, TesseraApiError } from '@tessera/sdk';

const tessera = createTesseraClient({
  baseUrl: process.env.TESSERA_URL ?? 'http://127.0.0.1:8080',
  apiKey: process.env.TESSERA_API_KEY, // a sandbox key: sk_sandbox_…
});

// Sandbox money into the merchant's USD wallet (amounts are integer minor units: 250_00 is 250.00).
unwrap(await tessera.POST('/v1/simulate/wallet_deposits', { body: { currency: 'USD', amount: 250_00 } }));

// A customer, an account in USD and a virtual card on it, funded from the wallet.
const customer = unwrap(await tessera.POST('/v1/customers', {
  body: {
    first_name: 'Ada', last_name: 'Lovelace', email: `ada.${Date.now()}@example.com`,
    phone_prefix: '33', phone_number: '612345678', phone_country: 'FR', date_of_birth: '1990-12-10',
    address: { line1: '12 Rue de la Paix', city: 'Paris', state: 'IDF', postal_code: '75002', country: 'FR' },
  },
}));
const account = unwrap(await tessera.POST('/v1/customers/{id}/accounts', {
  params: { path: { id: customer.id } }, body: { currency: 'USD' },
}));
const card = unwrap(await tessera.POST('/v1/accounts/{accountId}/cards', {
  params: { path: { accountId: account.id } }, body: { type: 'virtual' },
}));
unwrap(await tessera.POST('/v1/cards/{cardId}/fund', { params: { path: { cardId: card.id } }, body: { amount: 100_00 } }));

// The sandbox network asks to authorize 12.50 at a coffee shop.
const authorization = unwrap(await tessera.POST('/v1/simulate/authorizations', {
  body: { card_id: card.id, amount: 12_50, currency: 'USD', merchant: { name: 'Blue Bottle', mcc: '5814', country: 'US' } },
}));
const after = unwrap(await tessera.GET('/v1/cards/{cardId}', { params: { path: { cardId: card.id } } }));
console.log(`${authorization.status}: ${card.masked_number} has ${after.balance} ${after.currency} cents left`);

// Errors are typed by their stable code.
try {
  unwrap(await tessera.GET('/v1/cards/{cardId}', { params: { path: { cardId: 'card_00000000000000000000000000' } } }));
} catch (err) {
  if (!(err instanceof TesseraApiError) || err.code !== 'resource_not_found') throw err;
  console.log(`${err.status} ${err.code} (request ${err.requestId})`);
}
