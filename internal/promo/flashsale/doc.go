// Package flashsale runs flash sales (秒杀, SPEC §4): a product SKU sold at a sale
// price, a fixed number of units, a per-viewer limit, a start time the room counts
// down to and an optional duration, never oversold, with a waitlist that gets first
// claim on units that come back.
//
// # Who holds the stock
//
// The sale holds its units. Launching takes `stock` units off the SKU's stock in the
// launch transaction (refused, naming stock, when the SKU has fewer), so the showcase
// can never sell a unit the sale promised and the sale never waits on the SKU's hot
// row. Orders are created with commerce's StockHeld, at the sale price, source
// flash_sale; a cancelled, expired or refunded one gives its units back to the sale
// through the OnRelease hook, in the release transaction. Ending the sale (host,
// duration or end of the session) gives the units not in a live order back to the SKU
// (returned); orders released after the end return theirs to the SKU directly. So at
// every moment: units taken at launch = sold + units held for sale + returned, where
// sold counts units in live (not cancelled or refunded) orders, and
// stock_left = stock − sold.
//
// # Hot path
//
// One owner goroutine per sale holds the units left and every viewer's units in
// memory and decides each purchase (not_started, sale_ended, limit_reached, sold_out,
// or accepted) without touching the database. Accepted purchases go to one
// group-commit writer that writes everything queued since its last commit in one
// transaction — each sale's sold counter with a guarded update, one upsert of the
// buyers' units, and the orders through commerce.CreateHeldOrdersTx, the batch twin
// of CreateOrdersTx that writes a batch's orders and lines with one statement each
// (with SQLite, parsing a statement costs more than writing a row, and CreateOrdersTx
// runs several per order, which made the commit the bottleneck of a storm) — and only
// then answers 201 with the order id. Nothing is acknowledged before it is durable, so a
// kill -9 loses no acknowledged order; on restart an owner is rebuilt from the
// database on first use. The database backs the owner up: CHECK (sold <= stock) and
// CHECK (quantity <= max_quantity) per viewer. A batch a guard refuses is retried one
// purchase per transaction with commerce.CreateOrderTx, so a bad purchase fails alone
// with the database's verdict, and the owner reloads. Refusals are answered from
// memory at once. Owners are meant to be one per sale (one node per room, DESIGN.md);
// a second node's owner is kept honest by the same guards, not coordinated.
//
// Changes made outside the owner — orders released, waitlist claims — are committed
// by commerce's transactions; they bump the sale's version and, after commit, reach
// the owner as a delta it applies only if its last load did not include it. Until
// then the owner believes in fewer units (safe), and a claimer's new unit is guarded
// by the per-viewer CHECK.
//
// # Waitlist
//
// A viewer may join the waitlist only when the database agrees the sale is sold out
// (409 not_sold_out otherwise) and they hold fewer units than the limit. A released
// unit goes to the head of the line: an unpaid order for one unit is created for them
// inside the release transaction and they get flash_sale_claim; a head who reached the
// limit meanwhile is dropped. Only units nobody waits for become free for everyone.
// The waitlist is dropped when the sale ends.
//
// # Time
//
// Status follows the clock: scheduled before starts_at, ended from ends_at (or once
// ended), else sold_out or running. Durable jobs broadcast the start at starts_at, end
// the sale at ends_at (returning its units), and every WatchEvery check that the
// session is still live, ending the sale once it is not.
//
// # Room events and webhooks
//
// {"type":"flash_sale","sale":…} on launch, start, sold out and end at once, and on
// stock changes at most once per EventEvery (events.go); {"type":"flash_sale_claim"}
// to a waitlisted viewer. Webhooks flash_sale.launched, flash_sale.sold_out and
// flash_sale.ended are queued in the transactions that cause them.
package flashsale
