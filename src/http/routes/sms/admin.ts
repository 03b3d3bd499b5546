import type { TypedApp } from '../../route.ts';
import { adminBlockNumberRoute } from './admin-block.ts';
import { adminListBlockedNumbersRoute } from './admin-blocked-list.ts';
import { adminListNotificationsRoute } from './admin-notifications.ts';
import { adminListSmsPricesRoute } from './admin-prices.ts';
import { adminReplaceSmsPricesRoute } from './admin-prices-replace.ts';
import { adminUnblockNumberRoute } from './admin-unblock.ts';

/** The operator's SMS price table and block list, and its view of every message the channel sends. */
export function smsAdminRoutes(app: TypedApp): void {
  adminListSmsPricesRoute(app);
  adminReplaceSmsPricesRoute(app);
  adminListBlockedNumbersRoute(app);
  adminBlockNumberRoute(app);
  adminUnblockNumberRoute(app);
  adminListNotificationsRoute(app);
}
