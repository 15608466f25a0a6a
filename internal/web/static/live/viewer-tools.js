// The selling tools in the viewer room: the shop (pinned product, 购物袋, orders,
// checkout) and the in-room tools (red envelopes, lotteries, flash sales, group buys,
// assists, coupons, comment-to-buy). viewer.js hands every room event it does
// not handle itself to onEvent, and calls joined() whenever the socket (re)joins: the
// tools running already are read back from the viewer API, because room events only
// reach those connected when they happen.

import { api } from './common.js';
import { makeDock, makeStack } from './viewer-tools-ui.js';
import { setupCheckout } from './viewer-tools-checkout.js';
import { setupShop } from './viewer-shop.js';
import { setupEnvelopes } from './viewer-tools-envelope.js';
import { setupLotteries } from './viewer-tools-lottery.js';
import { setupFlashSales } from './viewer-tools-flash.js';
import { setupGroupBuys } from './viewer-tools-group.js';
import { setupAssists } from './viewer-tools-assist.js';
import { setupCoupons } from './viewer-tools-coupon.js';
import { setupCommentBuys } from './viewer-tools-commentbuy.js';

/**
 * ctx: root, $, sid, boot, state (the room page's), layers, comments, ask().
 * Answers onEvent(m) and joined().
 */
export function setupTools(base) {
  const { root, $ } = base;
  const ctx = {
    ...base,
    // The viewer API with the viewer's token.
    call: (path, opts = {}) => api(path, { ...opts, token: base.state.me && base.state.me.token }),
    dock: makeDock($('.room-sub')),
    stack: makeStack($('.room-low'), $('[data-comments]')),
  };
  let shop = null;
  ctx.openOrders = () => shop.openOrders();
  ctx.openShop = () => $('[data-shop-open]').click();
  // Sends a comment as the viewer typed it (评论下单's keyword), through the room's comment box.
  ctx.say = (text) => {
    $('[data-testid=comment-input]').value = text;
    $('[data-say]').requestSubmit();
  };
  ctx.checkout = setupCheckout(ctx);
  shop = setupShop(ctx);
  const tools = [shop, setupEnvelopes(ctx), setupLotteries(ctx), setupFlashSales(ctx), setupGroupBuys(ctx), setupAssists(ctx), setupCoupons(ctx),
    setupCommentBuys(ctx)];
  shop.load();
  root.dataset.tools = 'ready';

  let resumed = false;
  return {
    onEvent(m) {
      for (const tool of tools) if (tool.onEvent(m)) return;
    },
    joined() {
      if (!resumed) { resumed = true; ctx.checkout.resume(); }
      for (const tool of tools) if (tool.joined) tool.joined();
    },
  };
}
