/** Lock customers (in id order) named by a subquery; for the authorization batch's prelude (no parameters). */
export function lockCustomersSql(customerIdsSubquery: string): string {
  return `SELECT 1 FROM customers WHERE id IN (${customerIdsSubquery}) ORDER BY id FOR UPDATE`;
}
