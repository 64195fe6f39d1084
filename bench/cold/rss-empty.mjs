// Memory reference: an ES module that only reports its resident set size.
process.stdout.write(`${JSON.stringify({ ok: true, rss: process.memoryUsage().rss })}\n`);
