//! What a check may read: the Inventory, the configuration, and the scan time.

use rampart_model::{Account, Inventory, Region, Timestamp};

use crate::config::Config;

/// The context every check runs in.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The Inventory.
    pub inventory: &'a Inventory,
    /// The configuration (thresholds, tagging policy, port lists).
    pub config: &'a Config,
    /// The time the data was collected; ages are measured from here.
    pub now: Timestamp,
}

impl<'a> Context<'a> {
    /// A context.
    #[must_use]
    pub fn new(inventory: &'a Inventory, config: &'a Config, now: Timestamp) -> Self {
        Context {
            inventory,
            config,
            now,
        }
    }

    /// Every account.
    pub fn accounts(&self) -> impl Iterator<Item = &'a Account> + 'a {
        self.inventory.accounts.iter()
    }

    /// Every (account, region) pair.
    pub fn regions(&self) -> impl Iterator<Item = (&'a Account, &'a Region)> + 'a {
        self.inventory
            .accounts
            .iter()
            .flat_map(|a| a.regions.iter().map(move |r| (a, r)))
    }

    /// Every regional resource selected by `pick`, with its account and region.
    pub fn each<T: 'a, F>(
        &self,
        pick: F,
    ) -> impl Iterator<Item = (&'a Account, &'a Region, &'a T)> + 'a
    where
        F: Fn(&'a Region) -> &'a [T] + 'a + Copy,
    {
        self.regions()
            .flat_map(move |(a, r)| pick(r).iter().map(move |t| (a, r, t)))
    }

    /// Days from `then` to the scan time.
    #[must_use]
    pub fn days_since(&self, then: Timestamp) -> i64 {
        then.days_until(self.now)
    }
}
