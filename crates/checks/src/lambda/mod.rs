//! Checks of serverless and container compute: Lambda functions (`LAMBDA-`) and ECS task
//! definitions (`ECS-`).

use crate::check::Check;

mod access_key_in_lambda_environment;
mod access_key_in_task_definition;
mod deprecated_runtime;
mod task_definition_without_task_role;

/// The checks of this area, in code order.
pub(crate) const CHECKS: &[&dyn Check] = &[
    &access_key_in_lambda_environment::AccessKeyInLambdaEnvironment,
    &deprecated_runtime::LambdaDeprecatedRuntime,
    &access_key_in_task_definition::AccessKeyInTaskDefinition,
    &task_definition_without_task_role::TaskDefinitionWithoutTaskRole,
];
