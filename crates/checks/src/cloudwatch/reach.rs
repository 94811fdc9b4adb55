//! Whether an alarm action reaches a person: an SNS topic with a confirmed subscription, an
//! Incident Manager response plan or an OpsCenter OpsItem does; an Auto Scaling or EC2 action
//! does not; a topic outside the Inventory or a Lambda function cannot be told.

use rampart_model::Inventory;
use rampart_model::logging::SnsTopic;

/// What one alarm action amounts to.
pub(crate) enum Reach {
    /// Notifies a person (confirmed SNS subscription, Incident Manager, OpsCenter).
    Person(String),
    /// Does not notify anyone (no confirmed subscription, an Auto Scaling or EC2 action).
    Nobody(String),
    /// Cannot be told from the Inventory (topic elsewhere, a Lambda function).
    Unknown(String),
}

fn topic<'a>(inventory: &'a Inventory, arn: &str) -> Option<&'a SnsTopic> {
    inventory
        .accounts
        .iter()
        .flat_map(|a| a.regions.iter())
        .flat_map(|r| r.sns_topics.iter())
        .find(|t| t.meta.arn == arn)
}

pub(crate) fn reach(inventory: &Inventory, action: &str) -> Reach {
    let service = action.split(':').nth(2).unwrap_or_default();
    match service {
        "sns" => match topic(inventory, action) {
            Some(t) => {
                let confirmed: Vec<&str> = t
                    .subscriptions
                    .iter()
                    .filter(|s| s.confirmed)
                    .map(|s| s.protocol.as_str())
                    .collect();
                if confirmed.is_empty() {
                    let pending = t.subscriptions.len();
                    Reach::Nobody(format!(
                        "topic `{}` has no confirmed subscription ({pending} pending)",
                        t.meta.name
                    ))
                } else {
                    Reach::Person(format!(
                        "topic `{}` has confirmed {} subscription(s)",
                        t.meta.name,
                        confirmed.join(", ")
                    ))
                }
            }
            None => Reach::Unknown(format!("topic `{action}` is not in the Inventory")),
        },
        "ssm-incidents" => Reach::Person(format!("Incident Manager response plan `{action}`")),
        "ssm" if action.contains("opsitem") => {
            Reach::Person(format!("OpsCenter OpsItem `{action}`"))
        }
        "lambda" => Reach::Unknown(format!(
            "Lambda function `{action}` (what it does is not known)"
        )),
        _ => Reach::Nobody(format!(
            "`{action}` is an automation action, not a notification"
        )),
    }
}
