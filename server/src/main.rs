use clap::Parser;
use server::config::{Cli, Command, ServeArgs};
use std::process::ExitCode;

fn main() -> ExitCode {
    // Rendering a page builds deeply nested view types; unoptimised (test) builds need more
    // stack per worker than tokio's 2 MiB default.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(8 << 20)
        .build()
        .expect("a tokio runtime");
    runtime.block_on(run())
}

async fn run() -> ExitCode {
    server::telemetry::init();
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Serve(Box::new(ServeArgs::parse_from_env()))) {
        Command::Serve(args) => server::serve(&cli.db, *args).await,
        Command::Migrate => server::migrate(&cli.db).await,
        Command::SeedDemo { venues } => server::seed_demo(&cli.db, venues).await,
        Command::Import { kind, file } => server::import(&cli.db, kind, &file).await,
        Command::Camera(command) => server::camera_cli::run(&cli.db, command).await,
        Command::Reply(command) => server::reply_cli::run(&cli.db, command).await,
        Command::Screen(command) => server::screen_cli::run(&cli.db, command).await,
        Command::Events(command) => server::events_cli::run(&cli.db, command).await,
        Command::Apikey(command) => server::complaint_cli::apikey(&cli.db, command).await,
        Command::Complaint(command) => server::complaint_cli::complaint(&cli.db, command).await,
        Command::User(command) => server::user_cli::user(&cli.db, command).await,
        Command::Audit(command) => server::user_cli::audit(&cli.db, command).await,
        Command::Token(command) => server::user_cli::token(&cli.db, command).await,
        Command::Webhook(command) => server::webhook_cli::run(&cli.db, command).await,
        Command::Clause(command) => server::clause_cli::run(&cli.db, command).await,
        Command::Db(command) => server::db_cli::run(command).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err}");
            eprintln!("mingchu: {err}");
            ExitCode::FAILURE
        }
    }
}
